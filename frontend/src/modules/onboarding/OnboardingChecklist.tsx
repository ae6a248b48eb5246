import { Check, ChevronRight, Rocket, X } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { Link, useLocation } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";
import { api } from "@/lib/api";
import { cn } from "@/lib/utils";
import { useAuth } from "@/stores/auth";

export interface OnboardingStep {
  id: "connect_number" | "import_contacts" | "answer_chat" | "send_campaign" | (string & {});
  title: string;
  done: boolean;
  done_at: string | null;
}

export interface Onboarding {
  steps: OnboardingStep[];
  complete: boolean;
  done_count: number;
}

const LINKS: Record<string, string> = {
  connect_number: "/settings/numbers",
  import_contacts: "/contacts",
  answer_chat: "/inbox",
  send_campaign: "/campaigns",
};

const dismissKey = (tenantId: string) => `alrea-onboarding-dismissed:${tenantId}`;

/** A new tenant's first steps, for admins, above every page until all four are done (or it is hidden). */
export function OnboardingChecklist() {
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  const tenantId = useAuth((s) => s.tenant?.id);
  const location = useLocation();
  const [state, setState] = useState<Onboarding | null>(null);
  const [dismissed, setDismissed] = useState(false);

  useEffect(() => {
    setDismissed(!!tenantId && localStorage.getItem(dismissKey(tenantId)) === "1");
  }, [tenantId]);

  const refresh = useCallback(async () => {
    try {
      const { data } = await api.get<Onboarding>("/onboarding", { skipErrorToast: true });
      setState(data);
    } catch {
      // the checklist is a hint: a failed read keeps the last one
    }
  }, []);

  const active = isAdmin && !dismissed && !state?.complete;
  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh, location.pathname]);
  useResync(active ? () => void refresh() : undefined);
  useRealtimeEvent("instance_status", () => {
    if (active) void refresh();
  });
  useRealtimeEvent("notification_created", () => {
    if (active) void refresh();
  });

  if (!active || !state) return null;
  return (
    <section
      aria-label="Primeiros passos"
      data-testid="onboarding"
      className="bg-primary/5 flex flex-wrap items-center gap-x-4 gap-y-2 border-b px-4 py-2 text-sm"
    >
      <span className="flex items-center gap-2 font-semibold">
        <Rocket className="text-primary size-4" />
        Primeiros passos
        <span className="text-muted-foreground font-normal" data-testid="onboarding-progress">
          {state.done_count} de {state.steps.length}
        </span>
      </span>
      <ol className="flex flex-wrap items-center gap-1">
        {state.steps.map((step, i) => (
          <li key={step.id} className="flex items-center gap-1">
            {i > 0 ? <ChevronRight className="text-muted-foreground size-3" /> : null}
            <Link
              to={LINKS[step.id] ?? "/"}
              data-testid={`onboarding-step-${step.id}`}
              data-done={step.done ? "true" : "false"}
              className={cn(
                "flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-xs transition-colors",
                step.done
                  ? "border-emerald-300 bg-emerald-50 text-emerald-800"
                  : "bg-background hover:bg-muted text-foreground",
              )}
            >
              <span
                className={cn(
                  "flex size-4 items-center justify-center rounded-full border text-[10px]",
                  step.done ? "border-emerald-600 bg-emerald-600 text-white" : "border-muted-foreground/40",
                )}
              >
                {step.done ? <Check className="size-3" aria-label="Concluído" /> : i + 1}
              </span>
              {step.title}
            </Link>
          </li>
        ))}
      </ol>
      <Button
        variant="ghost"
        size="icon"
        className="ml-auto size-7"
        aria-label="Ocultar primeiros passos"
        onClick={() => {
          if (tenantId) localStorage.setItem(dismissKey(tenantId), "1");
          setDismissed(true);
        }}
      >
        <X />
      </Button>
    </section>
  );
}
