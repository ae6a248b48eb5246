/** One campaign: live counters and chart, ETA, recipients, pause/resume/cancel and CSV export. */
import { ArrowLeft, Clock, Copy, Download, Loader2, Pause, Pencil, Play, Square, Trash2 } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useApiQuery } from "@/hooks/useApiQuery";
import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";
import { ReadOnlyHint, useReadOnly } from "@/modules/billing";

import { campaignsApi, downloadBlob, type CampaignAction } from "../api";
import { CampaignStatusBadge } from "../components/CampaignStatusBadge";
import { CounterCards } from "../components/CounterCards";
import { ProgressBar } from "../components/ProgressBar";
import { ProgressChart } from "../components/ProgressChart";
import { BreakdownTables } from "../components/BreakdownTables";
import { CampaignSetup } from "../components/CampaignSetup";
import { RateCards } from "../components/RateCards";
import { waitingWindow } from "../window";
import { RecipientsTable, type RecipientsTableHandle } from "../components/RecipientsTable";
import {
  chartSeries,
  counters as fullCounters,
  formatDateTime,
  formatEta,
  settled,
  isActive,
  pointFromCounters,
  progressPercent,
  type ChartPoint,
} from "../format";
import { useCampaignProgress } from "../hooks/useCampaignProgress";
import type { Campaign } from "../types";

const POLL_MS = 5_000;
const SETTLE_MS = 30_000;
const ACTION_DONE: Record<CampaignAction, string> = {
  start: "Campanha iniciada.",
  pause: "Campanha pausada.",
  resume: "Campanha retomada.",
  cancel: "Campanha cancelada.",
};

export function CampaignDetailPage() {
  const readOnly = useReadOnly() !== null;
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const query = useApiQuery((signal) => campaignsApi.get(id, signal), [id]);
  const timeline = useApiQuery((signal) => campaignsApi.timeline(id, signal), [id]);
  const instances = useApiQuery((signal) => campaignsApi.instances(signal), []);
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [live, setLive] = useState<ChartPoint[]>([]);
  const [busy, setBusy] = useState<CampaignAction | "export" | "delete" | "duplicate" | null>(null);
  const [confirm, setConfirm] = useState<null | "cancel" | "delete">(null);
  const recipients = useRef<RecipientsTableHandle>(null);
  const lastRecipientsRefresh = useRef(0);

  useEffect(() => {
    if (query.data) setCampaign(query.data);
  }, [query.data]);
  // Polled numbers are points of the chart too (the realtime channel may be down). A finished campaign's
  // numbers belong to its end (receipts still arrive for a while).
  useEffect(() => {
    const data = query.data;
    if (!data) return;
    const ended = !isActive(data.status) && data.status !== "paused";
    const at = ended ? Date.parse(data.completed_at ?? "") || Date.now() : Date.now();
    setLive((points) => [...points, pointFromCounters(data.counters, at)].slice(-500));
  }, [query.data]);

  const refetchCampaign = query.refetch;
  const refetchTimeline = timeline.refetch;
  const refreshAll = useCallback(() => {
    void refetchCampaign();
    void refetchTimeline();
    recipients.current?.refresh();
  }, [refetchCampaign, refetchTimeline]);

  useResync(refreshAll);

  // a number left the campaign and its contacts moved to the others: say so while the person watches
  const [failover, setFailover] = useState<string[]>([]);
  useRealtimeEvent("campaign_alert", (event) => {
    if (event.campaign_id !== id || event.reason !== "failover" || typeof event.message !== "string") return;
    const message = event.message;
    setFailover((prev) => (prev.includes(message) ? prev : [...prev, message]));
  });

  useCampaignProgress((event) => {
    if (event.campaign_id !== id) return;
    setCampaign((c) =>
      c ? { ...c, status: event.status ?? c.status, counters: event.counters ?? c.counters, eta: event.eta ?? c.eta } : c,
    );
    if (event.counters) setLive((points) => [...points, pointFromCounters(event.counters)].slice(-500));
    const now = Date.now();
    if (now - lastRecipientsRefresh.current > 2_000) {
      lastRecipientsRefresh.current = now;
      recipients.current?.refresh();
    }
    // The end of a run: take the final numbers from the API.
    if (event.status && !isActive(event.status) && event.status !== "paused") refreshAll();
  });

  const status = campaign?.status;
  // Poll while it runs, and for a little while after it ends here (the last receipts come in then).
  const [settling, setSettling] = useState(false);
  const wasActive = useRef(false);
  useEffect(() => {
    if (!status) return undefined;
    if (isActive(status)) {
      wasActive.current = true;
      return undefined;
    }
    if (!wasActive.current) return undefined;
    wasActive.current = false;
    setSettling(true);
    const timer = setTimeout(() => setSettling(false), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [status]);
  const polling = (!!status && isActive(status)) || settling;
  useEffect(() => {
    if (!polling) return undefined;
    const timer = setInterval(refreshAll, POLL_MS);
    return () => clearInterval(timer);
  }, [polling, refreshAll]);

  const endAt = campaign && !isActive(campaign.status) && campaign.completed_at ? Date.parse(campaign.completed_at) : NaN;
  const startAt = campaign?.started_at ? Date.parse(campaign.started_at) : NaN;
  const points = useMemo(
    () =>
      chartSeries(
        timeline.data?.buckets ?? [],
        live,
        timeline.data?.bucketS ?? 60,
        Number.isNaN(endAt) ? Date.now() : endAt,
        Number.isNaN(startAt) ? undefined : startAt,
      ),
    [timeline.data, live, endAt, startAt],
  );
  const instanceNames = useMemo(
    () => Object.fromEntries((instances.data ?? []).map((i) => [i.id, i.name])),
    [instances.data],
  );

  async function act(action: CampaignAction) {
    setBusy(action);
    try {
      const updated = await campaignsApi.act(id, action);
      if (updated && typeof updated === "object" && "status" in updated) setCampaign(updated);
      toast.success(ACTION_DONE[action]);
      refreshAll();
    } catch {
      // toasted
    } finally {
      setBusy(null);
    }
  }

  async function duplicate() {
    setBusy("duplicate");
    try {
      const copy = await campaignsApi.duplicate(id);
      toast.success("Campanha duplicada: revise e inicie quando quiser");
      navigate(`/campaigns/${copy.id}/edit`);
    } catch {
      // toasted
    } finally {
      setBusy(null);
    }
  }

  async function exportCsv() {
    setBusy("export");
    try {
      const blob = await campaignsApi.exportCsv(id);
      const safe = (campaign?.name ?? "campanha").replace(/[^\p{L}\p{N}_-]+/gu, "-").slice(0, 60);
      downloadBlob(blob, `${safe || "campanha"}.csv`);
    } catch {
      // toasted
    } finally {
      setBusy(null);
    }
  }

  async function remove() {
    setBusy("delete");
    try {
      await campaignsApi.remove(id);
      toast.success("Campanha excluída.");
      navigate("/campaigns");
    } catch {
      setBusy(null);
    }
  }

  if (!campaign) {
    return (
      <Page>
        <Skeleton className="h-10 w-64" />
        <Skeleton className="h-40" />
      </Page>
    );
  }

  const c = fullCounters(campaign.counters);
  const pct = progressPercent(campaign.counters, campaign.status);
  const eta = campaign.status === "running" ? formatEta(campaign.eta) : null;
  const waiting = campaign.status === "running" ? waitingWindow(campaign.pacing, new Date()) : null;
  const disabled = busy !== null;
  const spin = (a: typeof busy) => (busy === a ? <Loader2 className="animate-spin" /> : null);

  return (
    <Page>
      <div>
        <Button variant="ghost" size="sm" asChild>
          <Link to="/campaigns">
            <ArrowLeft />
            Campanhas
          </Link>
        </Button>
      </div>
      <PageHeader
        title={campaign.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={campaign.status} />
            <span>Criada em {formatDateTime(campaign.created_at)}</span>
            {campaign.schedule_at && campaign.status === "scheduled" ? (
              <span>· começa em {formatDateTime(campaign.schedule_at)}</span>
            ) : null}
          </span>
        }
        actions={
          <>
            {campaign.status === "draft" ? (
              <>
                <Button variant="ghost" onClick={() => setConfirm("delete")} disabled={disabled}>
                  {spin("delete") ?? <Trash2 />}
                  Excluir
                </Button>
                <Button variant="outline" asChild>
                  <Link to={`/campaigns/${id}/edit`}>
                    <Pencil />
                    Editar
                  </Link>
                </Button>
                <ReadOnlyHint>
                  <Button onClick={() => void act("start")} disabled={disabled || readOnly}>
                    {spin("start") ?? <Play />}
                    {campaign.schedule_at ? "Agendar" : "Iniciar"}
                  </Button>
                </ReadOnlyHint>
              </>
            ) : null}
            {campaign.status === "running" ? (
              <Button variant="outline" onClick={() => void act("pause")} disabled={disabled}>
                {spin("pause") ?? <Pause />}
                Pausar
              </Button>
            ) : null}
            {campaign.status === "paused" ? (
              <Button onClick={() => void act("resume")} disabled={disabled}>
                {spin("resume") ?? <Play />}
                Retomar
              </Button>
            ) : null}
            {["running", "paused", "scheduled"].includes(campaign.status) ? (
              <Button variant="destructive" onClick={() => setConfirm("cancel")} disabled={disabled}>
                {spin("cancel") ?? <Square />}
                Cancelar
              </Button>
            ) : null}
            <Button variant="outline" onClick={() => void duplicate()} disabled={disabled} data-testid="campaign-duplicate">
              <Copy />
              Duplicar
            </Button>
            {campaign.status !== "draft" ? (
              <Button variant="outline" onClick={() => void exportCsv()} disabled={disabled}>
                {spin("export") ?? <Download />}
                Exportar CSV
              </Button>
            ) : null}
          </>
        }
      />

      {campaign.status === "failed" && campaign.failure_reason ? (
        <div className="border-destructive/40 bg-destructive/5 text-destructive rounded-md border p-3 text-sm" role="alert">
          {campaign.failure_reason}
        </div>
      ) : null}
      {campaign.status === "running" && waiting ? (
        <div className="flex items-center gap-2 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900"
          role="status" data-testid="campaign-waiting-window">
          <Clock className="size-4 shrink-0" /> {waiting}
        </div>
      ) : null}
      {failover.map((message) => (
        <div
          key={message}
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-800"
          role="status"
          data-testid="campaign-failover"
        >
          {message}
        </div>
      ))}
      {campaign.status === "paused" && campaign.failure_reason ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-800" role="alert">
          Pausada automaticamente: {campaign.failure_reason}
        </div>
      ) : null}

      <Card>
        <CardContent className="grid gap-2">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <span data-testid="campaign-progress" data-percent={pct}>
              <strong className="tabular-nums">{settled(c, campaign.status)}</strong> de{" "}
              <span className="tabular-nums">{c.total}</span> destinatários processados ({pct}%)
            </span>
            <span className="text-muted-foreground" data-testid="campaign-eta">
              {eta ? `Término previsto: ${eta}` : null}
              {campaign.status === "completed" && campaign.completed_at
                ? `Concluída em ${formatDateTime(campaign.completed_at)}`
                : null}
            </span>
          </div>
          <ProgressBar value={pct} />
        </CardContent>
      </Card>

      <CounterCards value={campaign.counters} />
      <RateCards value={campaign.counters} />
      <BreakdownTables campaignId={campaign.id} refreshKey={campaign.counters?.sent} />
      <CampaignSetup campaign={campaign} />

      <Card>
        <CardHeader>
          <CardTitle>Evolução dos envios</CardTitle>
          <CardDescription>Totais acumulados, atualizados ao vivo.</CardDescription>
        </CardHeader>
        <CardContent>
          <ProgressChart points={points} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Destinatários</CardTitle>
        </CardHeader>
        <CardContent>
          <RecipientsTable ref={recipients} campaignId={id} instanceNames={instanceNames} />
        </CardContent>
      </Card>

      {/* The dialog closes at once; the header's button spins while the call runs. */}
      <ConfirmDialog
        open={confirm === "cancel"}
        onClose={() => setConfirm(null)}
        title="Cancelar campanha?"
        description="Os envios pendentes não serão feitos. Esta ação não pode ser desfeita."
        cancelLabel="Voltar"
        confirmLabel="Cancelar campanha"
        onConfirm={() => void act("cancel")}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        onClose={() => setConfirm(null)}
        title="Excluir rascunho?"
        description="O rascunho será apagado."
        cancelLabel="Voltar"
        confirmLabel="Excluir"
        onConfirm={() => void remove()}
      />
    </Page>
  );
}
