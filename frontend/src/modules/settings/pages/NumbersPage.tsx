import { Plus, QrCode, Smartphone } from "lucide-react";
import { useCallback, useState } from "react";

import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";

import { settingsApi } from "../api";
import { InstanceQrDialog } from "../components/InstanceQrDialog";
import { InstanceStateBadge } from "../components/InstanceStateBadge";
import { useInstances } from "../hooks/useSettingsData";
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

export function NumbersPage() {
  const instances = useInstances();
  const [adding, setAdding] = useState(false);
  const [qrFor, setQrFor] = useState<string | null>(null);
  const refetch = instances.refetch;
  const pollState = useCallback(() => void refetch(), [refetch]);
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
              <CardContent>
                {instance.state !== "open" ? (
                  <Button variant="outline" size="sm" onClick={() => setQrFor(instance.id)}>
                    <QrCode />
                    Conectar com QR code
                  </Button>
                ) : (
                  <p className="text-muted-foreground text-sm">Pronto para enviar e receber mensagens.</p>
                )}
              </CardContent>
            </Card>
          ))}
        </div>
      )}
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
