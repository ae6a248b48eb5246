import { useRealtimeStatus } from "@/hooks/useRealtime";
import type { RealtimeStatus } from "@/lib/ws";
import { cn } from "@/lib/utils";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";

const LOOK: Record<RealtimeStatus, { label: string; dot: string; text: string; hint: string }> = {
  connected: {
    label: "Conectado",
    dot: "bg-emerald-500",
    text: "text-emerald-700 border-emerald-200 bg-emerald-50",
    hint: "Recebendo atualizações em tempo real",
  },
  connecting: {
    label: "Reconectando…",
    dot: "bg-amber-500 animate-pulse",
    text: "text-amber-700 border-amber-200 bg-amber-50",
    hint: "Restabelecendo a conexão em tempo real",
  },
  offline: {
    label: "Offline",
    dot: "bg-red-500",
    text: "text-red-700 border-red-200 bg-red-50",
    hint: "Sem conexão em tempo real; os dados são atualizados a cada 10 s",
  },
};

export function ConnectionIndicator({ className }: { className?: string }) {
  const status = useRealtimeStatus();
  const look = LOOK[status];
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <span
          role="status"
          aria-live="polite"
          data-testid="connection-indicator"
          data-status={status}
          className={cn(
            "inline-flex items-center gap-2 rounded-full border px-2.5 py-1 text-xs font-medium",
            look.text,
            className,
          )}
        >
          <span className={cn("size-2 rounded-full", look.dot)} aria-hidden />
          {look.label}
        </span>
      </TooltipTrigger>
      <TooltipContent>{look.hint}</TooltipContent>
    </Tooltip>
  );
}
