/** Campaign analytics: delivered / read / replied / failed / opted-out rates of the cumulative funnel counters
 * (a read message counts as sent and delivered) — the same rule as the API's domain/reports.campaign_rates. */
import { Card } from "@/components/ui/card";

import type { Counters } from "../types";

export function rates(c: Partial<Counters>): Record<"delivered" | "read" | "replied" | "failed" | "opted_out", number | null> {
  const sent = c.sent ?? 0;
  const failed = c.failed ?? 0;
  const of = (part: number, whole: number) => (whole ? part / whole : null);
  return {
    delivered: of(c.delivered ?? 0, sent),
    read: of(c.read ?? 0, sent),
    replied: of(c.replied ?? 0, sent),
    failed: of(failed, sent + failed),
    opted_out: of(c.opted_out ?? 0, sent),
  };
}

const CARDS = [
  { key: "delivered", label: "Taxa de entrega" },
  { key: "read", label: "Taxa de leitura" },
  { key: "replied", label: "Taxa de resposta" },
  { key: "failed", label: "Taxa de falha" },
  { key: "opted_out", label: "Descadastros" },
] as const;

function pct(v: number | null): string {
  return v === null ? "—" : `${(v * 100).toLocaleString("pt-BR", { maximumFractionDigits: 1 })}%`;
}

export function RateCards({ value }: { value: Partial<Counters> }) {
  const r = rates(value);
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="campaign-rates">
      {CARDS.map(({ key, label }) => (
        <Card key={key} className="gap-1 px-4 py-3" data-testid={`rate-${key}`} data-value={r[key] ?? ""}>
          <div className="text-muted-foreground text-xs">{label}</div>
          <div className="text-xl font-semibold tabular-nums">{pct(r[key])}</div>
        </Card>
      ))}
    </div>
  );
}
