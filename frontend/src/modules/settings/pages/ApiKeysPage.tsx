import { Check, Copy, KeyRound, Plus, ShieldAlert, Trash2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useApiQuery } from "@/hooks/useApiQuery";

import { apiKeysApi, type ApiKey, type CreatedApiKey } from "../apiKeysApi";

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("pt-BR", { dateStyle: "short", timeStyle: "short" }) : "Nunca";
}

export function ApiKeysPage() {
  const keys = useApiQuery((signal) => apiKeysApi.list(signal));
  const scopes = useApiQuery((signal) => apiKeysApi.scopes(signal));
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = keys.data ?? [];

  function toggle(scope: string, on: boolean) {
    setChosen((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  async function copySecret() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
      toast.success("Chave copiada");
    } catch {
      toast.error("Não foi possível copiar: selecione a chave e copie manualmente.");
    }
  }

  return (
    <Page>
      <PageHeader
        title="API"
        description="Chaves para integrar seu CRM ou ERP à API pública (/v1). Cada chave pertence à empresa e só pode o que os escopos permitem."
        actions={
          <Button onClick={() => setCreating(true)}>
            <Plus />
            Nova chave
          </Button>
        }
      />
      {keys.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : keys.failed ? (
        <ErrorState what="as chaves de API" onRetry={keys.refetch} />
      ) : list.length === 0 ? (
        <EmptyState icon={KeyRound} title="Nenhuma chave de API" description="Crie uma chave para começar a integrar." />
      ) : (
        <Card className="py-0">
          <Table data-testid="api-keys-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Nome</TableHead>
                <TableHead>Chave</TableHead>
                <TableHead>Escopos</TableHead>
                <TableHead>Último uso</TableHead>
                <TableHead>Situação</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((key) => (
                <TableRow key={key.id} data-testid={`api-key-${key.id}`}>
                  <TableCell className="pl-4 font-medium">{key.name}</TableCell>
                  <TableCell className="font-mono text-xs">{key.prefix}…</TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      {key.scopes.map((s) => (
                        <Badge key={s} variant="secondary" className="font-mono text-[11px]">
                          {s}
                        </Badge>
                      ))}
                    </div>
                  </TableCell>
                  <TableCell className="text-muted-foreground">{when(key.last_used_at)}</TableCell>
                  <TableCell>
                    {key.revoked ? <Badge variant="outline">Revogada</Badge> : <Badge>Ativa</Badge>}
                  </TableCell>
                  {key.revoked ? (
                    <TableCell />
                  ) : (
                    <RowActions name={key.name}>
                      <DropdownMenuItem variant="destructive" onSelect={() => setRevoking(key)}>
                        <Trash2 />
                        Revogar
                      </DropdownMenuItem>
                    </RowActions>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      <FormDialog
        open={creating}
        onOpenChange={(open) => {
          setCreating(open);
          if (!open) {
            setName("");
            setChosen([]);
          }
        }}
        title="Nova chave de API"
        description="Dê um nome que diga quem usa a chave e marque só o que a integração precisa."
        formId="create-api-key"
        submitLabel="Criar chave"
        submitIcon={<KeyRound />}
        canSubmit={name.trim().length > 0 && chosen.length > 0}
        onSubmit={() => apiKeysApi.create(name.trim(), chosen)}
        onDone={async (key) => {
          setName("");
          setChosen([]);
          setCopied(false);
          setCreated(key);
          await keys.refetch();
        }}
      >
        <FormField id="api-key-name" label="Nome">
          <Input placeholder="Ex.: Integração ERP" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </FormField>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Escopos</legend>
          {(scopes.data ?? []).map((s) => (
            <label key={s.scope} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 accent-primary"
                checked={chosen.includes(s.scope)}
                onChange={(e) => toggle(s.scope, e.target.checked)}
              />
              <span>{s.label}</span>
              <code className="text-muted-foreground text-xs">{s.scope}</code>
            </label>
          ))}
        </fieldset>
      </FormDialog>
      <Dialog open={created !== null} onOpenChange={(open) => !open && setCreated(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Chave criada: {created?.name}</DialogTitle>
            <DialogDescription>
              Copie a chave agora. Por segurança ela não será mostrada de novo; se perdê-la, revogue e crie outra.
            </DialogDescription>
          </DialogHeader>
          <div className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            <ShieldAlert className="mt-0.5 size-4 shrink-0" />
            Guarde a chave como uma senha: quem a tiver acessa os dados da empresa dentro dos escopos escolhidos.
          </div>
          <div className="flex gap-2">
            <Input readOnly data-testid="api-key-secret" className="font-mono text-xs" value={created?.secret ?? ""} onFocus={(e) => e.target.select()} />
            <Button type="button" variant="outline" onClick={() => void copySecret()}>
              {copied ? <Check /> : <Copy />}
              {copied ? "Copiada" : "Copiar"}
            </Button>
          </div>
          <div className="flex justify-end">
            <Button onClick={() => setCreated(null)}>Já copiei</Button>
          </div>
        </DialogContent>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revogar “${revoking?.name ?? ""}”?`}
        description="As integrações que usam esta chave param de funcionar na hora. Esta ação não pode ser desfeita."
        confirmLabel="Revogar"
        icon={<Trash2 />}
        onConfirm={async () => {
          if (revoking) await apiKeysApi.revoke(revoking.id);
        }}
        successMessage="Chave revogada"
        onDone={() => void keys.refetch()}
      />
    </Page>
  );
}
