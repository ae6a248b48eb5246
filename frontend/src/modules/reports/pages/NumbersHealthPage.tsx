import { AlertTriangle } from "lucide-react";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";

import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

import { reportsApi, type NumberHealth } from "../api";
import { CsvButton, DayBars, Stat } from "../components";
import { percent } from "../format";

const STATE_LABEL: Record<string, string> = { open: "Conectado", connecting: "Conectando", close: "Desconectado" };

function Alerts({ n }: { n: NumberHealth }) {
  if (n.alerts.length === 0) return null;
  return (
    <div className="space-y-1" data-testid="number-alerts">
      {n.alerts.map((a) => (
        <p key={a.kind} className="flex items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <AlertTriangle className="size-4 shrink-0" /> {a.message}
        </p>
      ))}
    </div>
  );
}

function Detail({ id }: { id: string }) {
  const [n, setN] = useState<NumberHealth | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () => {
    setFailed(false);
    return reportsApi.number(id).then(setN, () => setFailed(true));
  };
  useEffect(() => {
    void load();
  }, [id]);
  if (failed) return <ErrorState what="este número" onRetry={load} />;
  if (!n) return <Skeleton className="h-96 w-full" />;
  const header = ["Dia", "Enviadas", "Entregues", "Lidas", "Falhas", "Recebidas", "Entrega", "Leitura"];
  const rows = n.per_day.map((d) => [d.day, d.sent, d.delivered, d.read, d.failed, d.received, d.delivery_rate, d.read_rate]);
  return (
    <div className="grid gap-6" data-testid="number-health" data-number-id={n.id}>
      <PageHeader title={`Saúde do número · ${n.name}`} description={`${n.phone ?? ""} · ${STATE_LABEL[n.state] ?? n.state}`}
        actions={<Link to="/reports/numbers" className="text-primary text-sm hover:underline">Todos os números</Link>} />
      <Alerts n={n} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat testId="health-sent-today" label="Enviadas hoje / limite diário" value={`${n.today.sent} / ${n.daily_cap}`} />
        <Stat testId="health-delivery" label="Entrega (24 h)" value={percent(n.last_24h.delivery_rate)}
          hint={`7 dias: ${percent(n.last_7d.delivery_rate)}`} />
        <Stat testId="health-read" label="Leitura (24 h)" value={percent(n.last_24h.read_rate)}
          hint={`7 dias: ${percent(n.last_7d.read_rate)}`} />
        <Stat testId="health-failed" label="Falhas (24 h)" value={n.last_24h.failed}
          hint={`Respostas/envios: ${percent(n.last_24h.reply_rate)}`} />
      </div>
      <Card>
        <CardHeader className="flex flex-row items-center justify-between">
          <CardTitle className="text-base">Últimos 7 dias</CardTitle>
          <CsvButton name={`numero-${n.name}`} header={header} rows={rows} />
        </CardHeader>
        <CardContent>
          <DayBars label="Envios por dia" rows={n.per_day}
            series={[{ key: "sent", label: "Enviadas", color: "#2563eb" }, { key: "delivered", label: "Entregues", color: "#0891b2" },
              { key: "read", label: "Lidas", color: "#16a34a" }, { key: "failed", label: "Falhas", color: "#dc2626" }]} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Histórico de conexão</CardTitle></CardHeader>
        <CardContent>
          {(n.connections ?? []).length === 0 ? (
            <p className="text-muted-foreground text-sm">Nenhuma mudança de conexão registrada.</p>
          ) : (
            <ul className="divide-y text-sm" data-testid="connection-history">
              {(n.connections ?? []).map((c, i) => (
                <li key={i} className="flex justify-between py-1.5">
                  <span>{STATE_LABEL[c.state] ?? c.state}{c.dropped ? " (queda)" : ""}</span>
                  <span className="text-muted-foreground">{new Date(c.at).toLocaleString("pt-BR")}</span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function List() {
  const [items, setItems] = useState<NumberHealth[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () => {
    setFailed(false);
    return reportsApi.numbers().then(setItems, () => setFailed(true));
  };
  useEffect(() => {
    void load();
  }, []);
  if (failed) return <ErrorState what="os números" onRetry={load} />;
  if (!items) return <Skeleton className="h-64 w-full" />;
  const header = ["Número", "Estado", "Enviadas hoje", "Limite diário", "Entrega 24 h", "Entrega 7 d", "Falhas 24 h"];
  const rows = items.map((n) => [n.name, STATE_LABEL[n.state] ?? n.state, n.today.sent, n.daily_cap,
    percent(n.last_24h.delivery_rate), percent(n.last_7d.delivery_rate), n.last_24h.failed]);
  return (
    <div className="grid gap-6">
      <PageHeader title="Saúde dos números" description="Envios contra o limite diário, entrega e leitura, falhas e quedas de conexão." />
      <Card>
        <CardHeader className="flex flex-row justify-end"><CsvButton name="numeros" header={header} rows={rows} /></CardHeader>
        <CardContent className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="numbers-health">
            <thead className="text-muted-foreground text-left text-xs">
              <tr>{header.map((h) => <th key={h} className="py-1 pr-3 font-medium">{h}</th>)}</tr>
            </thead>
            <tbody>
              {items.map((n, i) => (
                <tr key={n.id} className="border-t">
                  <td className="py-1.5 pr-3">
                    <Link to={`/reports/numbers/${n.id}`} className="font-medium hover:underline">{n.name}</Link>
                    {n.alerts.length ? <AlertTriangle className="ml-1 inline size-3.5 text-amber-600" aria-label="Alerta" /> : null}
                  </td>
                  {rows[i].slice(1).map((cell, j) => <td key={j} className="py-1.5 pr-3 tabular-nums">{cell}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>
    </div>
  );
}

export function NumbersHealthPage() {
  const { numberId } = useParams();
  return <Page>{numberId ? <Detail id={numberId} /> : <List />}</Page>;
}
