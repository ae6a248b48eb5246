/** Campaign analytics per variant (A/B, the winner marked) and per number (GET /api/reports/campaigns/{id}). */
import { Trophy } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";

import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { campaignAnalytics, type CampaignAnalytics } from "@/modules/reports/api";
import { CsvButton } from "@/modules/reports/components";
import { percent } from "@/modules/reports/format";

const HEADER = ["", "Enviadas", "Entrega", "Leitura", "Resposta", "Falhas", "Descadastros"];

function cells(row: { counters: Record<string, number>; rates: CampaignAnalytics["rates"] }) {
  return [row.counters.sent ?? 0, percent(row.rates.delivered), percent(row.rates.read), percent(row.rates.replied),
    percent(row.rates.failed), percent(row.rates.opted_out)];
}

function Table({ title, testId, rows }: { title: string; testId: string; rows: { key: string; name: ReactNode; plain: string; cells: (string | number)[] }[] }) {
  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between">
        <CardTitle className="text-base">{title}</CardTitle>
        <CsvButton name={testId} header={[title, ...HEADER.slice(1)]} rows={rows.map((r) => [r.plain, ...r.cells])} />
      </CardHeader>
      <CardContent className="overflow-x-auto">
        <table className="w-full text-sm" data-testid={testId}>
          <thead className="text-muted-foreground text-left text-xs">
            <tr>{HEADER.map((h, i) => <th key={i} className="py-1 pr-3 font-medium">{h}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className="border-t" data-row={r.key}>
                <td className="py-1.5 pr-3">{r.name}</td>
                {r.cells.map((c, i) => <td key={i} className="py-1.5 pr-3 tabular-nums">{c}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
}

export function BreakdownTables({ campaignId, refreshKey }: { campaignId: string; refreshKey?: unknown }) {
  const [data, setData] = useState<CampaignAnalytics | null>(null);
  useEffect(() => {
    campaignAnalytics(campaignId).then(setData, () => undefined);
  }, [campaignId, refreshKey]);
  if (!data || (data.variants.length === 0 && data.numbers.length === 0)) return null;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {data.variants.length ? (
        <Table title="Por variante" testId="campaign-variants" rows={data.variants.map((v) => ({
          key: v.label, plain: `${v.label}${v.winner ? " (vencedora)" : ""}`, cells: cells(v),
          name: (
            <span className="flex items-center gap-1.5" title={v.text}>
              <strong>{v.label}</strong>
              {v.winner ? (
                <span data-testid="variant-winner" className="inline-flex items-center gap-0.5 rounded-full bg-amber-100 px-1.5 text-[11px] font-medium text-amber-800">
                  <Trophy className="size-3" /> vencedora
                </span>
              ) : null}
            </span>
          ),
        }))} />
      ) : null}
      {data.numbers.length ? (
        <Table title="Por número" testId="campaign-numbers" rows={data.numbers.map((n) => ({
          key: n.id, plain: n.name, cells: cells(n), name: n.name,
        }))} />
      ) : null}
    </div>
  );
}
