import { Card } from "@/components/ui/card";

import { counters, inFlight } from "../format";
import type { Counters } from "../types";

const CARDS: { key: keyof Counters; label: string }[] = [
  { key: "total", label: "Total" },
  { key: "pending", label: "Pendentes" },
  { key: "sent", label: "Enviadas" },
  { key: "delivered", label: "Entregues" },
  { key: "read", label: "Lidas" },
  { key: "replied", label: "Respostas" },
  { key: "failed", label: "Falhas" },
  { key: "skipped", label: "Ignoradas" },
];

export function CounterCards({ value }: { value: Partial<Counters> }) {
  const c = counters(value);
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8" data-testid="campaign-counters">
      {CARDS.map(({ key, label }) => {
        // Opted-out recipients are skipped too; one card for both.
        // "Pendentes" is everyone still to be settled (waiting, queued, being sent or reconciled).
        const value = key === "pending" ? inFlight(c) : c[key] + (key === "skipped" ? c.opted_out : 0);
        return (
          <Card key={key} className="gap-1 px-4 py-3" data-testid={`counter-${key}`} data-value={value}>
            <div className="text-muted-foreground text-xs">{label}</div>
            <div className="text-xl font-semibold tabular-nums">{value}</div>
          </Card>
        );
      })}
    </div>
  );
}
