/** Recipients of a campaign, filtered by status, a page at a time ("Carregar mais"). */
import { Loader2, RotateCcw } from "lucide-react";
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

import { campaignsApi } from "../api";
import { RECIPIENT_STATUS_LABELS, formatDateTime } from "../format";
import type { Recipient } from "../types";
import { RecipientStatusBadge } from "./RecipientStatusBadge";

const ALL = "all";

export interface RecipientsTableHandle {
  /** Reload the first page (kept quiet when more pages are open, so the list doesn't jump). */
  refresh: () => void;
}

interface Props {
  campaignId: string;
  instanceNames: Record<string, string>;
}

export const RecipientsTable = forwardRef<RecipientsTableHandle, Props>(function RecipientsTable(
  { campaignId, instanceNames },
  ref,
) {
  const [status, setStatus] = useState<string>(ALL);
  const [items, setItems] = useState<Recipient[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const pages = useRef(1);
  const seq = useRef(0);
  const [confirming, setConfirming] = useState(false);
  const uncertain = items.filter((r) => r.uncertain).length;

  const loadFirst = useCallback(async () => {
    const id = ++seq.current;
    try {
      const page = await campaignsApi.recipients(campaignId, status === ALL ? null : status, null);
      if (id !== seq.current) return;
      pages.current = 1;
      setItems(page.items);
      setCursor(page.next_cursor);
    } catch {
      // toasted by the API client
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [campaignId, status]);

  useEffect(() => {
    setLoading(true);
    void loadFirst();
  }, [loadFirst]);

  useImperativeHandle(
    ref,
    () => ({
      refresh: () => {
        if (pages.current === 1) void loadFirst();
      },
    }),
    [loadFirst],
  );

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    const id = seq.current;
    try {
      const page = await campaignsApi.recipients(campaignId, status === ALL ? null : status, cursor);
      if (id !== seq.current) return;
      pages.current += 1;
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.next_cursor);
    } catch {
      // toasted
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2">
        <span className="text-muted-foreground text-sm">Status</span>
        <Select value={status} onValueChange={setStatus}>
          <SelectTrigger className="w-48" aria-label="Filtrar por status" data-testid="recipients-filter">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>Todos</SelectItem>
            {Object.entries(RECIPIENT_STATUS_LABELS).map(([value, label]) => (
              <SelectItem key={value} value={value}>
                {label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {uncertain ? (
          <Button variant="outline" size="sm" className="ml-auto" onClick={() => setConfirming(true)}>
            <RotateCcw />
            Reenviar incertos
          </Button>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Reenviar destinatários com resultado incerto?"
        description="Não foi possível confirmar se a mensagem chegou a esses contatos. Alguns podem já tê-la recebido: ao reenviar, eles podem receber a mensagem duas vezes."
        cancelLabel="Cancelar"
        confirmLabel="Reenviar mesmo assim"
        icon={<RotateCcw />}
        onConfirm={() => campaignsApi.retryUncertain(campaignId)}
        successMessage="Os destinatários incertos serão reenviados."
        onDone={() => void loadFirst()}
      />
      <div className="rounded-md border">
        <Table data-testid="recipients-table">
          <TableHeader>
            <TableRow>
              <TableHead>Contato</TableHead>
              <TableHead>Telefone</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Número</TableHead>
              <TableHead>Enviada em</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {loading ? (
              <TableRow>
                <TableCell colSpan={5} className="text-muted-foreground text-center">
                  Carregando…
                </TableCell>
              </TableRow>
            ) : items.length === 0 ? (
              <TableRow>
                <TableCell colSpan={5} className="text-muted-foreground text-center">
                  Nenhum destinatário com este status.
                </TableCell>
              </TableRow>
            ) : (
              items.map((r, i) => (
                <TableRow key={`${r.phone}-${i}`} data-testid="recipient-row" data-status={r.status}>
                  <TableCell>{r.name || "—"}</TableCell>
                  <TableCell className="tabular-nums">{r.phone}</TableCell>
                  <TableCell>
                    <RecipientStatusBadge status={r.status} title={r.failure_reason ?? undefined} />
                    {r.failure_reason ? (
                      <div className="text-muted-foreground mt-1 max-w-xs truncate text-xs">{r.failure_reason}</div>
                    ) : null}
                  </TableCell>
                  <TableCell>{(r.instance_id && instanceNames[r.instance_id]) || "—"}</TableCell>
                  <TableCell>{formatDateTime(r.sent_at)}</TableCell>
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
      </div>
      {cursor ? (
        <Button variant="outline" size="sm" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? <Loader2 className="animate-spin" /> : null}
          Carregar mais
        </Button>
      ) : null}
    </div>
  );
});
