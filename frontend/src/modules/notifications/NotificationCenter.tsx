import {
  Activity,
  AlertTriangle,
  AtSign,
  Bell,
  CheckCheck,
  Frown,
  Loader2,
  Megaphone,
  MessageSquareShare,
  SmartphoneNfc,
  Upload,
  Webhook,
  type LucideIcon,
} from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";
import { toast } from "sonner";

import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";
import { cn } from "@/lib/utils";
import { useAuth } from "@/stores/auth";

import { relativeTime } from "./format";
import { useNotifications } from "./store";
import { badgeText, type AppNotification } from "./types";

const ICONS: Record<string, LucideIcon> = {
  assigned: MessageSquareShare,
  mention: AtSign,
  campaign_completed: Megaphone,
  campaign_paused: AlertTriangle,
  campaign_failover: AlertTriangle,
  import_finished: Upload,
  number_disconnected: SmartphoneNfc,
  webhook_disabled: Webhook,
  conversation_negative: Frown,
  number_health: Activity,
};

const WARNINGS = new Set([
  "campaign_paused",
  "campaign_failover",
  "number_disconnected",
  "webhook_disabled",
  "conversation_negative",
  "number_health",
]);

/** Mounted once in the app shell: the live toasts of stored notifications, and the polling fallback. */
export function NotificationFeed() {
  const userId = useAuth((s) => s.user?.id);
  const load = useNotifications((s) => s.load);
  const pushed = useNotifications((s) => s.pushed);
  const reset = useNotifications((s) => s.reset);
  const navigate = useNavigate();

  useEffect(() => {
    reset();
    if (userId) void load();
  }, [userId, load, reset]);
  // while the socket is down: read every 10 s what it would have pushed
  useResync(() => void load());

  useRealtimeEvent("notification_created", (event) => {
    const n = event.notification as AppNotification | undefined;
    if (!n || typeof n.id !== "string") return;
    pushed(n, typeof event.unread === "number" ? event.unread : useNotifications.getState().unread + 1);
    const show = WARNINGS.has(n.kind) ? toast.warning : toast.info;
    show(n.title, {
      id: `notification:${n.id}`,
      description: n.body,
      action: n.link ? { label: "Abrir", onClick: () => navigate(n.link as string) } : undefined,
    });
  });
  return null;
}

function Item({ n, onOpen }: { n: AppNotification; onOpen: (n: AppNotification) => void }) {
  const Icon = ICONS[n.kind] ?? Bell;
  return (
    <li>
      <button
        type="button"
        onClick={() => onOpen(n)}
        data-testid="notification-item"
        data-unread={n.unread ? "true" : "false"}
        className={cn(
          "hover:bg-muted/70 flex w-full gap-3 rounded-md px-3 py-2.5 text-left transition-colors",
          n.unread && "bg-primary/5",
        )}
      >
        <span
          className={cn(
            "mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full",
            WARNINGS.has(n.kind) ? "bg-amber-100 text-amber-700" : "bg-muted text-muted-foreground",
          )}
        >
          <Icon className="size-4" />
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={cn("truncate text-sm", n.unread ? "font-semibold" : "font-medium")}>{n.title}</span>
            <span className="text-muted-foreground shrink-0 text-[11px]">{relativeTime(n.created_at)}</span>
          </span>
          <span className="text-muted-foreground line-clamp-2 text-xs">{n.body}</span>
        </span>
        {n.unread ? <span className="bg-primary mt-2 size-2 shrink-0 rounded-full" aria-label="Não lida" /> : null}
      </button>
    </li>
  );
}

/** The bell in the header: the unread count, and the centre (a side panel) that clears it when opened. */
export function NotificationBell() {
  const unread = useNotifications((s) => s.unread);
  const items = useNotifications((s) => s.items);
  const loaded = useNotifications((s) => s.loaded);
  const failed = useNotifications((s) => s.failed);
  const nextCursor = useNotifications((s) => s.nextCursor);
  const { load, loadMore, markAllRead, markRead } = useNotifications.getState();
  const [open, setOpen] = useState(false);
  const [more, setMore] = useState(false);
  const navigate = useNavigate();
  // what was unread when the centre opened keeps its highlight until it closes
  const [seen, setSeen] = useState<Set<string>>(new Set());
  const opening = useRef(false);

  async function openCentre(next: boolean) {
    setOpen(next);
    if (!next || opening.current) return;
    opening.current = true;
    try {
      await load();
      setSeen(new Set(useNotifications.getState().items.filter((n) => n.unread).map((n) => n.id)));
      await markAllRead().catch(() => undefined);
    } finally {
      opening.current = false;
    }
  }

  function openItem(n: AppNotification) {
    if (n.unread) void markRead(n.id).catch(() => undefined);
    setOpen(false);
    if (n.link) navigate(n.link);
  }

  const shown = items.map((n) => (seen.has(n.id) ? { ...n, unread: true } : n));

  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        className="relative"
        aria-label={unread ? `Notificações: ${unread} não lidas` : "Notificações"}
        data-testid="notification-bell"
        onClick={() => void openCentre(true)}
      >
        <Bell />
        {unread > 0 ? (
          <span
            data-testid="notification-count"
            className="bg-destructive absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full px-1 text-[10px] font-semibold text-white"
          >
            {badgeText(unread)}
          </span>
        ) : null}
      </Button>
      <Sheet open={open} onOpenChange={(next) => void openCentre(next)}>
        <SheetContent side="right" className="flex w-full flex-col gap-0 p-0 sm:max-w-md" data-testid="notification-centre">
          <SheetHeader className="border-b">
            <SheetTitle>Notificações</SheetTitle>
            <SheetDescription>Atribuições, menções, campanhas, importações e números.</SheetDescription>
          </SheetHeader>
          <div className="min-h-0 flex-1 overflow-y-auto">
            <div className="p-2">
              {!loaded && failed ? (
                <ErrorState what="as notificações" onRetry={load} className="m-2" />
              ) : !loaded ? (
                <div className="text-muted-foreground flex items-center justify-center gap-2 py-10 text-sm">
                  <Loader2 className="size-4 animate-spin" /> Carregando…
                </div>
              ) : shown.length === 0 ? (
                <EmptyState
                  icon={Bell}
                  title="Nenhuma notificação"
                  description="Quando algo precisar da sua atenção, aparece aqui."
                  className="m-2"
                />
              ) : (
                <ul className="flex flex-col gap-0.5">
                  {shown.map((n) => (
                    <Item key={n.id} n={n} onOpen={openItem} />
                  ))}
                </ul>
              )}
              {nextCursor ? (
                <Button
                  variant="ghost"
                  className="mt-1 w-full"
                  disabled={more}
                  onClick={() => {
                    setMore(true);
                    void loadMore()
                      .catch(() => undefined)
                      .finally(() => setMore(false));
                  }}
                >
                  {more ? <Loader2 className="animate-spin" /> : null}
                  Carregar mais
                </Button>
              ) : null}
            </div>
          </div>
          <div className="text-muted-foreground flex items-center gap-2 border-t px-4 py-2 text-xs">
            <CheckCheck className="size-4" /> Ao abrir, as notificações são marcadas como lidas.
          </div>
        </SheetContent>
      </Sheet>
    </>
  );
}
