import { useEffect, useState } from "react";
import { Link } from "react-router-dom";

import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

import { reportsApi, type Dashboard, type ScopeRow } from "../api";
import { CsvButton, DayBars, MoodSplit, Stat } from "../components";
import { duration, percent } from "../format";

function ScopeTable({ title, rows, testId }: { title: string; rows: ScopeRow[]; testId: string }) {
  const header = ["Nome", "Abertas hoje", "Fechadas hoje", "Abertas na semana", "Fechadas na semana",
    "1ª resposta (mediana)", "Resolução (mediana)", "Aguardando"];
  const data = rows.map((r) => [r.name, r.today.opened, r.today.closed, r.week.opened, r.week.closed,
    duration(r.week.first_response_median_s), duration(r.week.resolution_median_s), r.waiting]);
  return (
    <Card>
      <CardHeader className="flex flex-row items-center justify-between">
        <CardTitle className="text-base">{title}</CardTitle>
        <CsvButton name={testId} header={header} rows={data} />
      </CardHeader>
      <CardContent className="overflow-x-auto">
        {rows.length === 0 ? (
          <p className="text-muted-foreground text-sm">Nada registrado nesta semana.</p>
        ) : (
          <table className="w-full text-sm" data-testid={testId}>
            <thead className="text-muted-foreground text-left text-xs">
              <tr>{header.map((h) => <th key={h} className="py-1 pr-3 font-medium">{h}</th>)}</tr>
            </thead>
            <tbody>
              {data.map((row, i) => (
                <tr key={rows[i].id} className="border-t" data-row-id={rows[i].id}>
                  {row.map((cell, j) => <td key={j} className="py-1.5 pr-3 tabular-nums">{cell}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
}

/** The home of admins and managers: today and this week at a glance (figures kept as counters). */
export function DashboardPage() {
  const [data, setData] = useState<Dashboard | null>(null);
  const [failed, setFailed] = useState(false);

  const load = () => {
    setFailed(false);
    return reportsApi.dashboard().then(setData, () => setFailed(true));
  };
  useEffect(() => {
    void load();
  }, []);

  if (failed) return <Page><ErrorState what="o painel" onRetry={load} /></Page>;
  if (!data) return <Page><Skeleton className="h-96 w-full" /></Page>;
  const { today, week } = data;
  return (
    <Page>
      <PageHeader title="Painel" description="Atendimento de hoje e da semana, humor dos clientes e campanhas em andamento." />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="dashboard-stats">
        <Stat testId="stat-opened" label="Conversas abertas hoje" value={today.opened} hint={`${week.opened} na semana`} />
        <Stat testId="stat-closed" label="Conversas fechadas hoje" value={today.closed} hint={`${week.closed} na semana`} />
        <Stat testId="stat-waiting" label="Aguardando resposta agora" value={data.waiting_now} />
        <Stat testId="stat-frt" label="1ª resposta (mediana, semana)" value={duration(week.first_response_median_s)}
          hint={`Resolução: ${duration(week.resolution_median_s)}`} />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader><CardTitle className="text-base">Mensagens por dia</CardTitle></CardHeader>
          <CardContent>
            <DayBars label="Mensagens recebidas e enviadas por dia" rows={data.per_day}
              series={[{ key: "messages_in", label: "Recebidas", color: "#2563eb" },
                { key: "messages_out", label: "Enviadas", color: "#16a34a" }]} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle className="text-base">Humor dos clientes (semana)</CardTitle></CardHeader>
          <CardContent className="space-y-3">
            <MoodSplit mood={week.mood} />
            <Link to="/inbox?mood=neg" className="text-primary text-sm underline-offset-2 hover:underline">
              Ver clientes insatisfeitos
            </Link>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader className="flex flex-row items-center justify-between">
          <CardTitle className="text-base">Campanhas em andamento</CardTitle>
          <Link to="/reports/numbers" className="text-primary text-sm underline-offset-2 hover:underline">
            Saúde dos números
          </Link>
        </CardHeader>
        <CardContent>
          {data.campaigns.length === 0 ? (
            <p className="text-muted-foreground text-sm">Nenhuma campanha em andamento.</p>
          ) : (
            <ul className="divide-y text-sm" data-testid="dashboard-campaigns">
              {data.campaigns.map((c) => (
                <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <Link to={`/campaigns/${c.id}`} className="font-medium hover:underline">{c.name}</Link>
                  <span className="text-muted-foreground text-xs">
                    {c.counters.sent ?? 0} enviadas · entregues {percent(c.rates.delivered)} · lidas {percent(c.rates.read)} ·
                    respostas {percent(c.rates.replied)} · falhas {percent(c.rates.failed)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      <ScopeTable title="Por departamento" rows={data.departments} testId="dashboard-departments" />
      <ScopeTable title="Por atendente" rows={data.attendants} testId="dashboard-attendants" />
    </Page>
  );
}
