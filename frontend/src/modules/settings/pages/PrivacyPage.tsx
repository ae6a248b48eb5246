import { CalendarX, Download, FileArchive, Loader2, ShieldCheck, Trash2, Undo2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useApiQuery } from "@/hooks/useApiQuery";
import { useAuth } from "@/stores/auth";

import { RETENTION_CHOICES, privacyApi, retentionLabel, type ExportStatus, type TenantDeletion } from "../privacyApi";

const SELECT = "border-input bg-background h-9 w-full rounded-md border px-2 text-sm";
const EXPORT_STATUS: Record<ExportStatus["status"], string> = {
  pending: "Na fila…",
  running: "Gerando o arquivo…",
  ready: "Pronto para baixar",
  failed: "Falhou",
};

function toDays(value: string): number | null {
  return value ? Number(value) : null;
}

function RetentionSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <select id={id} className={SELECT} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{retentionLabel(null)}</option>
      {RETENTION_CHOICES.map((d) => (
        <option key={d} value={String(d)}>
          {retentionLabel(d)}
        </option>
      ))}
    </select>
  );
}

function RetentionCard() {
  const retention = useApiQuery((signal) => privacyApi.getRetention(signal), []);
  const [messages, setMessages] = useState("");
  const [media, setMedia] = useState("");
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!retention.data) return;
    setMessages(retention.data.messages_days ? String(retention.data.messages_days) : "");
    setMedia(retention.data.media_days ? String(retention.data.media_days) : "");
  }, [retention.data]);

  async function save() {
    setSaving(true);
    try {
      await privacyApi.saveRetention({ messages_days: toDays(messages), media_days: toDays(media) });
      toast.success("Retenção salva");
      await retention.refetch();
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card data-testid="privacy-retention">
      <CardHeader>
        <CardTitle>Retenção de dados</CardTitle>
        <CardDescription>
          Por quanto tempo guardar mensagens e arquivos recebidos. Vale para o que chegar a partir de agora; depois
          do prazo, são apagados automaticamente.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        {retention.loading ? (
          <Skeleton className="h-9 w-full sm:col-span-3" />
        ) : (
          <>
            <FormField id="retention-messages" label="Mensagens">
              <RetentionSelect id="retention-messages" value={messages} onChange={setMessages} />
            </FormField>
            <FormField id="retention-media" label="Arquivos de mídia">
              <RetentionSelect id="retention-media" value={media} onChange={setMedia} />
            </FormField>
            <Button onClick={() => void save()} disabled={saving}>
              {saving ? <Loader2 className="animate-spin" /> : null}
              Salvar retenção
            </Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}

function ExportCard() {
  const [current, setCurrent] = useState<ExportStatus | null>(null);
  const [asking, setAsking] = useState(false);
  const timer = useRef<number | null>(null);

  useEffect(() => () => void (timer.current && window.clearTimeout(timer.current)), []);

  function poll(id: string) {
    timer.current = window.setTimeout(async () => {
      try {
        const next = await privacyApi.getExport(id);
        setCurrent(next);
        if (next.status === "pending" || next.status === "running") poll(id);
      } catch {
        // toasted by the API client
      }
    }, 1500);
  }

  async function start() {
    setAsking(true);
    try {
      const created = await privacyApi.requestExport();
      setCurrent(created);
      poll(created.id);
    } catch {
      // toasted by the API client
    } finally {
      setAsking(false);
    }
  }

  const busy = current?.status === "pending" || current?.status === "running";
  return (
    <Card data-testid="privacy-export">
      <CardHeader>
        <CardTitle>Exportar os dados da empresa</CardTitle>
        <CardDescription>
          Um arquivo .zip com contatos, conversas, mensagens e campanhas (JSON Lines), para portabilidade ou
          atendimento a um pedido do titular.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center gap-3">
        <Button onClick={() => void start()} disabled={asking || busy}>
          {asking || busy ? <Loader2 className="animate-spin" /> : <FileArchive />}
          Gerar exportação
        </Button>
        {current ? (
          <span className="text-sm" data-testid="privacy-export-status">
            {EXPORT_STATUS[current.status]}
            {current.status === "ready" && current.counts
              ? ` — ${current.counts.contacts ?? 0} contatos, ${current.counts.conversations ?? 0} conversas, ` +
                `${current.counts.messages ?? 0} mensagens`
              : null}
            {current.status === "failed" && current.error ? ` — ${current.error}` : null}
          </span>
        ) : null}
        {current?.status === "ready" && current.url ? (
          <Button asChild variant="outline">
            <a href={current.url} data-testid="privacy-export-download">
              <Download />
              Baixar arquivo
            </a>
          </Button>
        ) : null}
        {current?.status === "ready" ? (
          <p className="text-muted-foreground w-full text-xs">O link vale por 5 minutos; gere outro se expirar.</p>
        ) : null}
      </CardContent>
    </Card>
  );
}

function DeletionCard() {
  const tenantName = useAuth((s) => s.tenant?.name ?? "");
  const deletion = useApiQuery((signal) => privacyApi.getDeletion(signal), []);
  const [asking, setAsking] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [confirm, setConfirm] = useState("");
  const scheduled = deletion.data?.scheduled_for;

  return (
    <Card className="border-destructive/40" data-testid="privacy-deletion">
      <CardHeader>
        <CardTitle className="text-destructive">Excluir a empresa e todos os dados</CardTitle>
        <CardDescription>
          Apaga usuários, números, contatos, conversas, mensagens, arquivos e campanhas. A exclusão acontece 7 dias
          depois do pedido; até lá, os administradores continuam entrando e podem cancelar.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center gap-3">
        {deletion.loading ? (
          <Skeleton className="h-9 w-48" />
        ) : scheduled ? (
          <>
            <p className="text-destructive flex items-center gap-2 text-sm font-medium" data-testid="privacy-deletion-scheduled">
              <CalendarX className="size-4" />
              Exclusão agendada para {new Date(scheduled).toLocaleString("pt-BR")}.
            </p>
            <Button variant="outline" onClick={() => setCancelling(true)}>
              <Undo2 />
              Cancelar exclusão
            </Button>
          </>
        ) : (
          <Button variant="destructive" onClick={() => setAsking(true)}>
            <Trash2 />
            Excluir empresa…
          </Button>
        )}
      </CardContent>
      <FormDialog<TenantDeletion>
        open={asking}
        onOpenChange={(open) => {
          setAsking(open);
          if (!open) setConfirm("");
        }}
        title="Excluir a empresa?"
        description={`Para confirmar, digite o nome da empresa: ${tenantName}`}
        submitLabel="Agendar exclusão"
        submitVariant="destructive"
        canSubmit={confirm.trim().length > 0}
        onSubmit={() => privacyApi.scheduleDeletion(confirm.trim())}
        successMessage="Exclusão agendada. Você pode cancelar nos próximos 7 dias."
        onDone={() => void deletion.refetch()}
      >
        <FormField id="privacy-confirm" label="Nome da empresa">
          <Input autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </FormField>
      </FormDialog>
      <ConfirmDialog<TenantDeletion>
        open={cancelling}
        onClose={() => setCancelling(false)}
        title="Cancelar a exclusão?"
        description="Os dados da empresa serão mantidos."
        confirmLabel="Cancelar exclusão"
        cancelLabel="Voltar"
        onConfirm={() => privacyApi.cancelDeletion()}
        successMessage="Exclusão cancelada"
        onDone={() => {
          toast.dismiss("tenant-deletion-pending");
          void deletion.refetch();
        }}
      />
    </Card>
  );
}

export function PrivacyPage() {
  return (
    <Page>
      <PageHeader
        title="Privacidade (LGPD)"
        description="Exportação dos dados, prazos de retenção e exclusão da conta. Para apagar um contato, abra-o em Contatos."
      />
      <div className="grid gap-6">
        <ExportCard />
        <RetentionCard />
        <DeletionCard />
        <p className="text-muted-foreground flex items-center gap-2 text-xs">
          <ShieldCheck className="size-4" />
          Contatos apagados ficam só como um código irreversível, para que campanhas nunca mais os alcancem.
        </p>
      </div>
    </Page>
  );
}
