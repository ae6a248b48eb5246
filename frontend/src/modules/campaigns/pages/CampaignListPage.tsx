import { Megaphone, Plus } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useApiQuery } from "@/hooks/useApiQuery";
import { useResync } from "@/hooks/useRealtime";

import { campaignsApi } from "../api";
import { CampaignStatusBadge } from "../components/CampaignStatusBadge";
import { ProgressBar } from "../components/ProgressBar";
import { rates } from "../components/RateCards";
import { counters, formatDateTime, isActive, progressPercent, settled } from "../format";
import { useCampaignProgress } from "../hooks/useCampaignProgress";
import type { Campaign, Counters } from "../types";

function rateLine(value: Partial<Counters>): string {
  const r = rates(value);
  if (r.delivered === null && r.failed === null) return "—";
  const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)}%`);
  return [r.delivered, r.read, r.replied, r.failed].map(pct).join(" · ");
}

export function CampaignListPage() {
  const navigate = useNavigate();
  const query = useApiQuery((signal) => campaignsApi.list(signal), []);
  const [list, setList] = useState<Campaign[]>([]);
  const listRef = useRef(list);
  listRef.current = list;
  const refetch = query.refetch;
  const resync = useCallback(() => void refetch(), [refetch]);

  useEffect(() => {
    if (query.data) setList(query.data);
  }, [query.data]);
  useResync(resync);
  useCampaignProgress((event) => {
    if (!listRef.current.some((c) => c.id === event.campaign_id)) {
      resync();
      return;
    }
    setList((prev) =>
      prev.map((c) =>
        c.id === event.campaign_id
          ? { ...c, status: event.status ?? c.status, counters: event.counters ?? c.counters, eta: event.eta }
          : c,
      ),
    );
  });

  // A safety net while something runs (events can be lost while the socket reconnects).
  const anyActive = list.some((c) => isActive(c.status));
  useEffect(() => {
    if (!anyActive) return undefined;
    const timer = setInterval(resync, 10_000);
    return () => clearInterval(timer);
  }, [anyActive, resync]);

  const sorted = [...list].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));

  return (
    <Page>
      <PageHeader
        title="Campanhas"
        description="Envios em massa com ritmo seguro, janela de horário e rotação de números."
        actions={
          <Button asChild>
            <Link to="/campaigns/new">
              <Plus />
              Nova campanha
            </Link>
          </Button>
        }
      />
      {query.loading ? (
        <div className="space-y-2">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : query.failed ? (
        <ErrorState what="as campanhas" onRetry={query.refetch} />
      ) : sorted.length === 0 ? (
        <EmptyState
          icon={Megaphone}
          title="Nenhuma campanha ainda"
          description="Crie uma campanha para alcançar seus contatos com ritmo seguro e sem envios duplicados."
        >
          <Button asChild>
            <Link to="/campaigns/new">
              <Plus />
              Nova campanha
            </Link>
          </Button>
        </EmptyState>
      ) : (
        <div className="rounded-md border">
          <Table data-testid="campaigns-table">
            <TableHeader>
              <TableRow>
                <TableHead>Nome</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="w-56">Progresso</TableHead>
                <TableHead>Entrega · leitura · resposta · falha</TableHead>
                <TableHead>Criada em</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {sorted.map((c) => {
                const cn = counters(c.counters);
                const pct = progressPercent(c.counters, c.status);
                return (
                  <TableRow
                    key={c.id}
                    className="cursor-pointer"
                    data-testid="campaign-row"
                    data-campaign-id={c.id}
                    onClick={() => navigate(`/campaigns/${c.id}`)}
                  >
                    <TableCell className="font-medium">
                      <Link to={`/campaigns/${c.id}`} onClick={(e) => e.stopPropagation()} className="hover:underline">
                        {c.name}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <CampaignStatusBadge status={c.status} />
                    </TableCell>
                    <TableCell>
                      <div className="flex items-center gap-2">
                        <ProgressBar value={pct} />
                        <span className="text-muted-foreground w-20 shrink-0 text-right text-xs tabular-nums">
                          {cn.total ? `${settled(cn, c.status)}/${cn.total}` : "—"}
                        </span>
                      </div>
                    </TableCell>
                    <TableCell className="text-muted-foreground text-xs tabular-nums" data-testid="campaign-row-rates">
                      {rateLine(c.counters)}
                    </TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(c.created_at)}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </Page>
  );
}
