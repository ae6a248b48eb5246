import { AlertTriangle, History, Plus, RefreshCw, RotateCcw, Trash2, Webhook } from "lucide-react";
import { useEffect, useState } from "react";
import { toast } from "sonner";

import { ChoiceList } from "@/components/ChoiceList";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { SecretOnceDialog } from "@/components/SecretOnceDialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useApiQuery } from "@/hooks/useApiQuery";

import {
  DELIVERY_STATUS_LABELS,
  webhooksApi,
  type CreatedWebhook,
  type DeliveryStatus,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "../webhooksApi";

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("pt-BR", { dateStyle: "short", timeStyle: "medium" }) : "—";
}

const STATUS_VARIANT: Record<DeliveryStatus, "default" | "secondary" | "destructive"> = {
  succeeded: "default",
  pending: "secondary",
  failed: "destructive",
};

/** Runs a row action; a failure was already toasted by the API client. */
async function quietly(task: () => Promise<unknown>): Promise<void> {
  try {
    await task();
  } catch {
    // toasted by the API client
  }
}

const FILTERS: { value: DeliveryStatus | null; label: string }[] = [
  { value: null, label: "Todas" },
  { value: "succeeded", label: "Entregues" },
  { value: "pending", label: "Pendentes" },
  { value: "failed", label: "Falharam" },
];

export function WebhooksPage() {
  const endpoints = useApiQuery((signal) => webhooksApi.list(signal));
  const events = useApiQuery((signal) => webhooksApi.events(signal));
  const [creating, setCreating] = useState(false);
  const [url, setUrl] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [removing, setRemoving] = useState<WebhookEndpoint | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const list = endpoints.data ?? [];
  const labels = Object.fromEntries((events.data ?? []).map((e) => [e.type, e.label]));
  const current = list.find((e) => e.id === selected) ?? null;

  async function setEnabled(endpoint: WebhookEndpoint, enabled: boolean) {
    await quietly(async () => {
      await webhooksApi.setEnabled(endpoint.id, enabled);
      toast.success(enabled ? "Webhook ativado" : "Webhook desativado");
    });
    await endpoints.refetch();
  }

  return (
    <Page>
      <PageHeader
        title="Webhooks"
        description="Avise seu sistema quando algo acontece no ALREA: cada evento é enviado por POST, assinado com o segredo do webhook (cabeçalho Alrea-Signature)."
        actions={
          <Button onClick={() => setCreating(true)}>
            <Plus />
            Novo webhook
          </Button>
        }
      />
      {endpoints.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : endpoints.failed ? (
        <ErrorState what="os webhooks" onRetry={endpoints.refetch} />
      ) : list.length === 0 ? (
        <EmptyState icon={Webhook} title="Nenhum webhook" description="Cadastre a URL que deve receber os eventos." />
      ) : (
        <Card className="py-0">
          <Table data-testid="webhooks-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">URL</TableHead>
                <TableHead>Eventos</TableHead>
                <TableHead>Situação</TableHead>
                <TableHead>Ativo</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((endpoint) => (
                <TableRow key={endpoint.id} data-testid={`webhook-${endpoint.id}`} data-state={endpoint.id === selected ? "selected" : undefined}>
                  <TableCell className="max-w-72 truncate pl-4 font-mono text-xs" title={endpoint.url}>
                    {endpoint.url}
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      {endpoint.events.map((e) => (
                        <Badge key={e} variant="secondary" className="font-mono text-[11px]" title={labels[e]}>
                          {e}
                        </Badge>
                      ))}
                    </div>
                  </TableCell>
                  <TableCell>
                    {endpoint.enabled ? (
                      endpoint.failing_since ? (
                        <Badge variant="outline" className="border-amber-400 text-amber-800">
                          Falhando desde {when(endpoint.failing_since)}
                        </Badge>
                      ) : (
                        <Badge>Ativo</Badge>
                      )
                    ) : (
                      <div className="space-y-1">
                        <Badge variant="outline">Desativado</Badge>
                        {endpoint.disabled_reason && (
                          <p className="text-destructive flex items-start gap-1 text-xs" data-testid="webhook-disabled-reason">
                            <AlertTriangle className="mt-0.5 size-3 shrink-0" />
                            {endpoint.disabled_reason}
                          </p>
                        )}
                      </div>
                    )}
                  </TableCell>
                  <TableCell>
                    <Switch
                      checked={endpoint.enabled}
                      aria-label={endpoint.enabled ? "Desativar webhook" : "Ativar webhook"}
                      onCheckedChange={(on) => void setEnabled(endpoint, on)}
                    />
                  </TableCell>
                  <RowActions name={endpoint.url}>
                    <DropdownMenuItem onSelect={() => setSelected(endpoint.id)}>
                      <History />
                      Ver entregas
                    </DropdownMenuItem>
                    <DropdownMenuItem variant="destructive" onSelect={() => setRemoving(endpoint)}>
                      <Trash2 />
                      Excluir
                    </DropdownMenuItem>
                  </RowActions>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      {current && <DeliveryLog endpoint={current} labels={labels} />}
      <FormDialog
        open={creating}
        onOpenChange={(open) => {
          setCreating(open);
          if (!open) {
            setUrl("");
            setChosen([]);
          }
        }}
        title="Novo webhook"
        description="Informe a URL (https) do seu sistema e marque os eventos que ela deve receber."
        formId="create-webhook"
        submitLabel="Criar webhook"
        submitIcon={<Webhook />}
        canSubmit={url.trim().length > 0 && chosen.length > 0}
        onSubmit={() => webhooksApi.create(url.trim(), chosen)}
        onDone={async (endpoint) => {
          setUrl("");
          setChosen([]);
          setCreated(endpoint);
          setSelected(endpoint.id);
          await endpoints.refetch();
        }}
      >
        <FormField id="webhook-url" label="URL">
          <Input placeholder="https://seu-sistema.com.br/webhooks/alrea" maxLength={2000} value={url} onChange={(e) => setUrl(e.target.value)} />
        </FormField>
        <ChoiceList
          legend="Eventos"
          options={(events.data ?? []).map((e) => ({ value: e.type, label: e.label }))}
          chosen={chosen}
          onChange={setChosen}
        />
      </FormDialog>
      <SecretOnceDialog
        secret={created?.secret ?? null}
        onClose={() => setCreated(null)}
        title="Webhook criado"
        description="Copie o segredo de assinatura agora. Por segurança ele não será mostrado de novo; se perdê-lo, exclua o webhook e crie outro."
        warning="Use o segredo para conferir o cabeçalho Alrea-Signature de cada entrega (veja a documentação da API)."
        testId="webhook-secret"
        copiedToast="Segredo copiado"
        copiedLabel="Copiado"
        what="o segredo"
      />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title="Excluir este webhook?"
        description={`${removing?.url ?? ""} deixa de receber eventos na hora. Esta ação não pode ser desfeita.`}
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={async () => {
          if (removing) await webhooksApi.remove(removing.id);
        }}
        successMessage="Webhook excluído"
        onDone={() => {
          if (removing?.id === selected) setSelected(null);
          void endpoints.refetch();
        }}
      />
    </Page>
  );
}

function DeliveryLog({ endpoint, labels }: { endpoint: WebhookEndpoint; labels: Record<string, string> }) {
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const [items, setItems] = useState<WebhookDelivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [detail, setDetail] = useState<WebhookDelivery | null>(null);
  const page = useApiQuery((signal) => webhooksApi.deliveries(endpoint.id, status, null, signal), [endpoint.id, status]);

  useEffect(() => {
    if (page.data) {
      setItems(page.data.items);
      setCursor(page.data.next_cursor);
    }
  }, [page.data]);

  async function loadMore() {
    if (!cursor) return;
    await quietly(async () => {
      const next = await webhooksApi.deliveries(endpoint.id, status, cursor);
      setItems((now) => [...now, ...next.items]);
      setCursor(next.next_cursor);
    });
  }

  async function replay(delivery: WebhookDelivery) {
    await quietly(async () => {
      await webhooksApi.replay(endpoint.id, delivery.id);
      toast.success("Entrega reenviada");
      await page.refetch();
    });
  }

  return (
    <section className="space-y-3" data-testid="webhook-deliveries" aria-label="Entregas">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 className="text-base font-semibold">Entregas</h2>
          <p className="text-muted-foreground max-w-xl truncate font-mono text-xs">{endpoint.url}</p>
        </div>
        <div className="flex flex-wrap items-center gap-1">
          {FILTERS.map((f) => (
            <Button
              key={f.label}
              size="sm"
              variant={status === f.value ? "default" : "outline"}
              aria-pressed={status === f.value}
              onClick={() => setStatus(f.value)}
            >
              {f.label}
            </Button>
          ))}
          <Button size="sm" variant="ghost" onClick={() => void page.refetch()} aria-label="Atualizar entregas">
            <RefreshCw className={page.fetching ? "animate-spin" : undefined} />
            Atualizar
          </Button>
        </div>
      </div>
      {page.loading ? (
        <Skeleton className="h-24 w-full" />
      ) : page.failed ? (
        <ErrorState what="as entregas" onRetry={page.refetch} />
      ) : items.length === 0 ? (
        <EmptyState icon={History} title="Nenhuma entrega" description="As entregas aparecem aqui assim que um evento acontece." />
      ) : (
        <Card className="py-0">
          <Table data-testid="webhook-deliveries-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Quando</TableHead>
                <TableHead>Evento</TableHead>
                <TableHead>Situação</TableHead>
                <TableHead>Tentativas</TableHead>
                <TableHead>Última resposta</TableHead>
                <TableHead className="pr-4 text-right">Ações</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((d) => {
                const last = d.attempts[d.attempts.length - 1];
                return (
                  <TableRow key={d.id} data-testid={`delivery-${d.id}`}>
                    <TableCell className="pl-4 text-xs">{when(d.created_at)}</TableCell>
                    <TableCell>
                      <code className="text-xs" title={labels[d.type]}>
                        {d.type}
                      </code>
                      {d.replay_of && <span className="text-muted-foreground ml-1 text-xs">(reenvio)</span>}
                    </TableCell>
                    <TableCell>
                      <Badge variant={STATUS_VARIANT[d.status]}>{DELIVERY_STATUS_LABELS[d.status]}</Badge>
                    </TableCell>
                    <TableCell>{d.attempts.length}</TableCell>
                    <TableCell className="text-xs">
                      {last ? (last.status_code ? `HTTP ${last.status_code} · ${last.latency_ms} ms` : last.error) : "—"}
                    </TableCell>
                    <TableCell className="pr-4 text-right whitespace-nowrap">
                      <Button size="sm" variant="ghost" onClick={() => setDetail(d)}>
                        Detalhes
                      </Button>
                      <Button size="sm" variant="outline" disabled={!endpoint.enabled} onClick={() => void replay(d)}>
                        <RotateCcw />
                        Reenviar
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      )}
      {cursor && (
        <div className="flex justify-center">
          <Button variant="outline" size="sm" onClick={() => void loadMore()}>
            Carregar mais
          </Button>
        </div>
      )}
      <Dialog open={detail !== null} onOpenChange={(open) => !open && setDetail(null)}>
        <DialogContent className="max-h-[85vh] overflow-y-auto sm:max-w-2xl">
          <DialogHeader>
            <DialogTitle>Entrega {detail?.type}</DialogTitle>
            <DialogDescription>
              Evento {detail?.event_id} · {detail ? DELIVERY_STATUS_LABELS[detail.status] : ""}
              {detail?.next_attempt_at ? ` · próxima tentativa ${when(detail.next_attempt_at)}` : ""}
            </DialogDescription>
          </DialogHeader>
          <ol className="space-y-2 text-sm" data-testid="delivery-attempts">
            {detail?.attempts.map((a, i) => (
              <li key={a.at + i} className="rounded-md border p-2">
                <div className="flex flex-wrap gap-3">
                  <span className="font-medium">Tentativa {i + 1}</span>
                  <span>{when(a.at)}</span>
                  <span>{a.status_code ? `HTTP ${a.status_code}` : "sem resposta"}</span>
                  <span>{a.latency_ms} ms</span>
                </div>
                {a.error && <p className="text-destructive text-xs">{a.error}</p>}
                {a.response && <pre className="bg-muted mt-1 max-h-24 overflow-auto rounded p-1 text-xs whitespace-pre-wrap">{a.response}</pre>}
              </li>
            ))}
          </ol>
          <div>
            <p className="mb-1 text-sm font-medium">Corpo enviado</p>
            <pre className="bg-muted max-h-48 overflow-auto rounded p-2 text-xs whitespace-pre-wrap">{detail?.payload}</pre>
          </div>
        </DialogContent>
      </Dialog>
    </section>
  );
}
