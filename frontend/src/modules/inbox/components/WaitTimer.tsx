import { Clock } from "lucide-react";
import { useEffect, useState } from "react";

import { cn } from "@/lib/utils";

import { useInboxCounts } from "../hooks/useInboxCounts";
import { waitLabel, waitLevel, waitMinutes } from "../lib/wait";

const TICK_MS = 30_000;

function useNow(every: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(t);
  }, [every]);
  return now;
}

const LEVEL_CLASS = {
  ok: "text-muted-foreground",
  warn: "bg-amber-100 text-amber-800 dark:bg-amber-500/20 dark:text-amber-300",
  alert: "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-300",
} as const;

/** How long the customer has waited for an answer ("há 5 min"), amber and red past the admin's thresholds. */
export function WaitTimer({ since }: { since: string | null | undefined }) {
  const settings = useInboxCounts((s) => s.settings);
  const now = useNow(TICK_MS);
  const minutes = waitMinutes(since, now);
  if (minutes === null) return null;
  const level = waitLevel(minutes, settings.wait_warn_minutes, settings.wait_alert_minutes);
  return (
    <span
      data-testid="wait-timer"
      data-level={level}
      title="Tempo de espera do cliente"
      className={cn("inline-flex shrink-0 items-center gap-0.5 rounded px-1 text-[11px] font-medium", LEVEL_CLASS[level])}
    >
      <Clock className="size-3" aria-hidden />
      {waitLabel(minutes)}
    </span>
  );
}
