import { KeyRound, Plus, Trash2 } from "lucide-react";
import { useState } from "react";

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
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = keys.data ?? [];

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
          setCreated(key);
          await keys.refetch();
        }}
      >
        <FormField id="api-key-name" label="Nome">
          <Input placeholder="Ex.: Integração ERP" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </FormField>
        <ChoiceList
          legend="Escopos"
          options={(scopes.data ?? []).map((s) => ({ value: s.scope, label: s.label }))}
          chosen={chosen}
          onChange={setChosen}
        />
      </FormDialog>
      <SecretOnceDialog
        secret={created?.secret ?? null}
        onClose={() => setCreated(null)}
        title={`Chave criada: ${created?.name ?? ""}`}
        description="Copie a chave agora. Por segurança ela não será mostrada de novo; se perdê-la, revogue e crie outra."
        warning="Guarde a chave como uma senha: quem a tiver acessa os dados da empresa dentro dos escopos escolhidos."
        testId="api-key-secret"
        copiedToast="Chave copiada"
        copiedLabel="Copiada"
        what="a chave"
      />
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
