import { Menu } from "lucide-react";
import { Suspense, useEffect, useState } from "react";
import { Outlet } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { TooltipProvider } from "@/components/ui/tooltip";
import { RealtimeProvider } from "@/hooks/useRealtime";
import { useInboxAlerts } from "@/modules/inbox/hooks/useInboxAlerts";
import { VerifyEmailBanner } from "@/modules/auth";
import { PastDueBanner } from "@/modules/billing";
import { NotificationBell, NotificationFeed } from "@/modules/notifications";
import { OnboardingChecklist } from "@/modules/onboarding";
import { PendingDeletionNotice } from "@/modules/settings/components/PendingDeletionNotice";
import { useAuth } from "@/stores/auth";

import { ConnectionIndicator } from "./ConnectionIndicator";
import { DevBanner } from "./DevBanner";
import { Logo, Sidebar, SidebarContent } from "./Sidebar";
import { UserMenu } from "./UserMenu";

export function PageFallback() {
  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 p-4 md:p-8">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-4 w-72" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}

/** New-customer alerts, tab counts and the unread count in the title, on every page. */
function InboxAlerts() {
  const userId = useAuth((s) => s.user?.id);
  useInboxAlerts(userId);
  return null;
}

export function AppShell() {
  const loadMe = useAuth((s) => s.loadMe);
  const [mobileOpen, setMobileOpen] = useState(false);

  // The persisted profile may be stale (role or plan changed): refresh it once per visit.
  useEffect(() => {
    loadMe().catch(() => undefined);
  }, [loadMe]);

  return (
    <RealtimeProvider>
      <NotificationFeed />
      <InboxAlerts />
      <PendingDeletionNotice />
      <TooltipProvider>
        <div className="flex h-dvh overflow-hidden" data-testid="app-shell">
          <Sidebar />
          <Sheet open={mobileOpen} onOpenChange={setMobileOpen}>
            <SheetContent side="left" className="w-72 p-0">
              <SheetTitle className="sr-only">Menu</SheetTitle>
              <SheetDescription className="sr-only">Navegação principal</SheetDescription>
              <SidebarContent onNavigate={() => setMobileOpen(false)} />
            </SheetContent>
          </Sheet>
          <div className="flex min-w-0 flex-1 flex-col">
            <DevBanner />
            <header className="bg-background flex h-14 shrink-0 items-center gap-3 border-b px-4">
              <Button
                variant="ghost"
                size="icon"
                className="md:hidden"
                aria-label="Abrir menu"
                onClick={() => setMobileOpen(true)}
              >
                <Menu />
              </Button>
              <Logo className="md:hidden" />
              <div className="ml-auto flex items-center gap-3">
                <ConnectionIndicator />
                <NotificationBell />
                <UserMenu />
              </div>
            </header>
            <PastDueBanner />
            <VerifyEmailBanner />
            <OnboardingChecklist />
            <main className="min-h-0 flex-1 overflow-y-auto">
              <Suspense fallback={<PageFallback />}>
                <Outlet />
              </Suspense>
            </main>
          </div>
        </div>
      </TooltipProvider>
    </RealtimeProvider>
  );
}
