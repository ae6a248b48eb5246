import { Lock } from "lucide-react";
import { NavLink } from "react-router-dom";

import { EvolutionCredit } from "@/components/EvolutionCredit";
import { Badge } from "@/components/ui/badge";
import { ScrollArea } from "@/components/ui/scroll-area";
import { hasProduct } from "@/hooks/useUserAccess";
import { cn } from "@/lib/utils";
import { useAuth } from "@/stores/auth";

import { PRODUCT_NAV, SETTINGS_NAV, visibleTo, type NavItem } from "./nav";
import { planBadge } from "@/modules/auth/types";

export function Logo({ className }: { className?: string }) {
  return (
    <div className={cn("flex min-w-0 items-center gap-2", className)}>
      <div className="bg-primary text-primary-foreground flex size-8 shrink-0 items-center justify-center rounded-lg text-sm font-bold">
        A
      </div>
      <div className="min-w-0 leading-tight">
        <div className="truncate text-sm font-semibold">ALREA Flow</div>
        <div className="text-muted-foreground truncate text-[11px]">WhatsApp para equipes</div>
      </div>
    </div>
  );
}

function NavSection({ title, items, onNavigate }: { title: string; items: NavItem[]; onNavigate?: () => void }) {
  const products = useAuth((s) => s.products);
  if (items.length === 0) return null;
  return (
    <div className="space-y-1">
      <div className="text-muted-foreground px-3 pb-1 text-[11px] font-semibold tracking-wider uppercase">{title}</div>
      <nav aria-label={title} className="flex flex-col gap-0.5">
        {items.map(({ to, label, icon: Icon, product }) => {
          const locked = product != null && !hasProduct(products, product);
          return (
            <NavLink
              key={to}
              to={to}
              onClick={onNavigate}
              data-locked={locked ? "true" : undefined}
              title={locked ? "Não incluído no seu plano" : undefined}
              className={({ isActive }) =>
                cn(
                  "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                  isActive
                    ? "bg-sidebar-accent text-sidebar-accent-foreground"
                    : "text-sidebar-foreground/70 hover:bg-sidebar-accent/60 hover:text-sidebar-foreground",
                )
              }
            >
              <Icon className="size-4" />
              {label}
              {locked ? (
                <Lock className="text-muted-foreground ml-auto size-3.5" aria-label="Bloqueado" data-testid="nav-lock" />
              ) : null}
            </NavLink>
          );
        })}
      </nav>
    </div>
  );
}

/** The navigation column; rendered fixed on desktop and inside a sheet on mobile. */
export function SidebarContent({ onNavigate }: { onNavigate?: () => void }) {
  const role = useAuth((s) => s.user?.role);
  const tenant = useAuth((s) => s.tenant);
  const plan = useAuth((s) => s.plan);
  const products = visibleTo(PRODUCT_NAV, role);
  const settings = visibleTo(SETTINGS_NAV, role);
  return (
    <div className="bg-sidebar text-sidebar-foreground flex h-full flex-col">
      <div className="flex h-14 items-center border-b px-4">
        <Logo />
      </div>
      <ScrollArea className="min-h-0 flex-1">
        <div className="flex flex-col gap-6 p-3">
          <NavSection title="Produtos" items={products} onNavigate={onNavigate} />
          <NavSection title="Configurações" items={settings} onNavigate={onNavigate} />
        </div>
      </ScrollArea>
      <div className="space-y-2 border-t p-4">
        {tenant ? (
          <div className="flex items-center justify-between gap-2">
            <span className="truncate text-xs font-medium" title={tenant.name}>
              {tenant.name}
            </span>
            {tenant.plan ? (
              <Badge variant="secondary" data-testid="plan-badge">
                {planBadge(plan, tenant.plan)}
              </Badge>
            ) : null}
          </div>
        ) : null}
        <EvolutionCredit variant="compact" />
      </div>
    </div>
  );
}

export function Sidebar() {
  return (
    <aside className="hidden w-64 shrink-0 border-r md:block" aria-label="Menu principal">
      <SidebarContent />
    </aside>
  );
}
