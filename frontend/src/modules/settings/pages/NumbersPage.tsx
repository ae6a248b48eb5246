import { Pencil, Plus, PowerOff, QrCode, Smartphone, Trash2 } from "lucide-react";
import { useCallback, useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EditTextDialog } from "@/components/EditTextDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Skeleton } from "@/components/ui/skeleton";
import { useApiQuery } from "@/hooks/useApiQuery";
import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";

import { settingsApi } from "../api";
import { InstanceQrDialog } from "../components/InstanceQrDialog";
import { InstanceStateBadge } from "../components/InstanceStateBadge";
import { useDepartments, useInboxSettings, useInstances } from "../hooks/useSettingsData";
import type { Instance } from "../types";

function AddNumberDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (instance: Instance) => void;
}) {
  const [name, setName] = useState("");

  // 402 (plan limit of numbers), 409 (name taken)… are toasted by the API client; the form stays open.
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Adicionar número"
      description="Dê um nome interno ao número; em seguida conecte-o lendo o QR code."
      formId="add-number"
      submitLabel="Adicionar"
      canSubmit={!!name.trim()}
      onSubmit={() => settingsApi.createInstance(name.trim())}
      successMessage="Número adicionado. Leia o QR code para conectar."
      onDone={(created) => {
        setName("");
        onCreated(created);
      }}
    >
      <FormField id="instance-name" label="Nome" hint="Letras, números, hífen e sublinhado.">
        <Input
          required
          maxLength={64}
          placeholder="Ex.: vendas-01"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </FormField>
    </FormDialog>
  );
}

const NO_DEPARTMENT = "__first__";

export function NumbersPage() {
  const instances = useInstances();
  const departments = useDepartments();
  const inbox = useInboxSettings();
  const auto = useApiQuery((signal) => settingsApi.numberSettings(signal), []);
  const autoOf = (id: string) => auto.data?.find((a) => a.instance_id === id);
  const setAuto = (id: string, enabled: boolean | null) =>
    void settingsApi
      .setNumberAutoAssign(id, enabled)
      .then((a) => {
        toast.success(a.auto_assign ? "Distribuição automática ligada neste número" : "Distribuição automática desligada neste número");
        return auto.refetch();
      })
      .catch(() => undefined);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<Instance | null>(null);
  const [disconnecting, setDisconnecting] = useState<Instance | null>(null);
  const [deleting, setDeleting] = useState<Instance | null>(null);
  const [qrFor, setQrFor] = useState<string | null>(null);
  const refetch = instances.refetch;
  const refetchAuto = auto.refetch;
  const pollState = useCallback(() => {
    void refetch();
    void refetchAuto();
  }, [refetch, refetchAuto]);
  const closeQr = useCallback(() => setQrFor(null), []);

  useResync(pollState);
  // The API pushes {"type": "instance_status", instance_id, state, phone} when Evolution reports a change.
  useRealtimeEvent("instance_status", pollState);

  const list = instances.data ?? [];
  const qrInstance = list.find((i) => i.id === qrFor) ?? null;

  return (
    <Page>
      <PageHeader
        title="Números de WhatsApp"
        description="Os números conectados pela Evolution API que enviam campanhas e recebem conversas."
        actions={
          <Button onClick={() => setAdding(true)}>
            <Plus />
            Adicionar número
          </Button>
        }
      />
      {instances.loading ? (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Skeleton className="h-36" />
          <Skeleton className="h-36" />
        </div>
      ) : instances.failed ? (
        <ErrorState what="os números" onRetry={instances.refetch} />
      ) : list.length === 0 ? (
        <EmptyState
          icon={Smartphone}
          title="Nenhum número conectado"
          description="Adicione um número e leia o QR code com o WhatsApp do celular."
        />
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="instances">
          {list.map((instance) => (
            <Card key={instance.id} data-testid="instance-card">
              <CardHeader>
                <CardTitle className="truncate">{instance.name}</CardTitle>
                <CardDescription>{instance.phone ? `+${instance.phone.replace(/^\+/, "")}` : "Sem número vinculado"}</CardDescription>
                <CardAction>
                  <InstanceStateBadge state={instance.state} />
                </CardAction>
              </CardHeader>
              <CardContent className="space-y-3">
                {instance.state !== "open" ? (
                  <Button variant="outline" size="sm" onClick={() => setQrFor(instance.id)}>
                    <QrCode />
                    Conectar com QR code
                  </Button>
                ) : (
                  <p className="text-muted-foreground text-sm">Pronto para enviar e receber mensagens.</p>
                )}
                <div className="space-y-1">
                  <Label htmlFor={`dept-${instance.id}`} className="text-xs">
                    Departamento das novas conversas
                  </Label>
                  <Select
                    value={instance.default_department_id ?? NO_DEPARTMENT}
                    onValueChange={(v) =>
                      void settingsApi
                        .setInstanceDepartment(instance.id, v === NO_DEPARTMENT ? null : v)
                        .then(() => {
                          toast.success("Departamento do número salvo");
                          return refetch();
                        })
                        .catch(() => undefined)
                    }
                  >
                    <SelectTrigger id={`dept-${instance.id}`} className="w-full" size="sm">
                      <SelectValue />
                    </SelectTrigger>
                    <SelectContent>
                      <SelectItem value={NO_DEPARTMENT}>Primeiro departamento (padrão)</SelectItem>
                      {(departments.data ?? []).map((d) => (
                        <SelectItem key={d.id} value={d.id}>
                          {d.name}
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                </div>
                {autoOf(instance.id) ? (
                  <div className="flex items-center justify-between gap-3">
                    <Label htmlFor={`auto-${instance.id}`} className="text-xs font-normal">
                      <span>
                        <span className="block text-sm font-medium">Distribuição automática</span>
                        <span className="text-muted-foreground">
                          {autoOf(instance.id)?.override ? (
                            <button
                              type="button"
                              className="underline underline-offset-2"
                              onClick={() => setAuto(instance.id, null)}
                            >
                              Seguir o padrão da empresa
                            </button>
                          ) : (
                            "Segue o padrão da empresa"
                          )}
                        </span>
                      </span>
                    </Label>
                    <Switch
                      id={`auto-${instance.id}`}
                      aria-label={`Distribuição automática em ${instance.name}`}
                      checked={!!autoOf(instance.id)?.auto_assign}
                      onCheckedChange={(on) => setAuto(instance.id, on)}
                    />
                  </div>
                ) : null}
                <div className="flex flex-wrap gap-2 border-t pt-3">
                  <Button variant="ghost" size="sm" onClick={() => setRenaming(instance)}>
                    <Pencil />
                    Renomear
                  </Button>
                  {instance.state === "open" ? (
                    <Button variant="ghost" size="sm" onClick={() => setDisconnecting(instance)}>
                      <PowerOff />
                      Desconectar
                    </Button>
                  ) : null}
                  <Button variant="ghost" size="sm" className="text-destructive" onClick={() => setDeleting(instance)}>
                    <Trash2 />
                    Excluir
                  </Button>
                </div>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
      {inbox.data ? (
        <Card className="mt-4">
          <CardHeader>
            <CardTitle>Distribuição automática (padrão da empresa)</CardTitle>
            <CardDescription>
              Novas conversas vão para o atendente disponível com menos conversas abertas. Cada número pode
              ligar ou desligar por conta própria.
            </CardDescription>
            <CardAction>
              <Switch
                aria-label="Distribuição automática (padrão da empresa)"
                checked={inbox.data.auto_assign}
                onCheckedChange={(on) =>
                  void settingsApi
                    .saveInboxSettings({ auto_assign: on })
                    .then(() => {
                      toast.success(on ? "Distribuição automática ligada" : "Distribuição automática desligada");
                      void auto.refetch();
                      return inbox.refetch();
                    })
                    .catch(() => undefined)
                }
              />
            </CardAction>
          </CardHeader>
        </Card>
      ) : null}
      <EditTextDialog
        open={renaming !== null}
        onClose={() => setRenaming(null)}
        initialValue={renaming?.name ?? ""}
        title="Renomear número"
        description="O nome interno que a equipe vê; o número no WhatsApp não muda."
        formId="rename-number"
        inputId="number-new-name"
        label="Nome"
        maxLength={60}
        onSave={async (text) => {
          if (renaming) await settingsApi.renameInstance(renaming.id, text);
        }}
        successMessage="Número renomeado"
        onSaved={() => void refetch()}
      />
      <ConfirmDialog
        open={disconnecting !== null}
        onClose={() => setDisconnecting(null)}
        title={`Desconectar “${disconnecting?.name ?? ""}”?`}
        description="O WhatsApp deste número sai da plataforma; para voltar, leia o QR code de novo."
        confirmLabel="Desconectar"
        icon={<PowerOff />}
        onConfirm={async () => {
          if (disconnecting) await settingsApi.logoutInstance(disconnecting.id);
        }}
        successMessage="Número desconectado"
        onDone={() => void refetch()}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Excluir “${deleting?.name ?? ""}”?`}
        description="O número é removido da plataforma. As conversas já recebidas continuam no Flow Chat."
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={async () => {
          if (deleting) await settingsApi.deleteInstance(deleting.id);
        }}
        successMessage="Número excluído"
        onDone={() => void refetch()}
      />
      <AddNumberDialog
        open={adding}
        onOpenChange={setAdding}
        onCreated={(created) => {
          void refetch().then(() => setQrFor(created.id));
        }}
      />
      <InstanceQrDialog instance={qrInstance} onClose={closeQr} onPollState={pollState} />
    </Page>
  );
}
