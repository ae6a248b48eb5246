import { Pencil, Plus, TextCursorInput, Trash2 } from "lucide-react";
import { useEffect, useState } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EditTextDialog } from "@/components/EditTextDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { OptionSelect, optionsFrom } from "@/components/OptionSelect";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

import { settingsApi } from "../api";
import { FIELD_TYPE_LABELS, FIELD_TYPES, MAX_FIELD_NAME, fieldNameError, fieldTypeLabel, toFieldName } from "../fields";
import { useFields } from "../hooks/useSettingsData";
import type { FieldDef, FieldType } from "../types";

const MAX_LABEL = 120;
const FIELD_TYPE_OPTIONS = optionsFrom(FIELD_TYPES, FIELD_TYPE_LABELS);

function CreateFieldDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState("");
  const [type, setType] = useState<FieldType>("text");
  const [label, setLabel] = useState("");
  const nameError = fieldNameError(name);

  useEffect(() => {
    if (open) {
      setName("");
      setType("text");
      setLabel("");
    }
  }, [open]);

  // 409 (name taken), 422… are toasted by the API client; the form stays open.
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Novo campo"
      description="O campo aparece na ficha de todos os contatos e na importação de CSV."
      formId="create-field"
      formClassName="grid gap-4"
      submitLabel="Criar campo"
      canSubmit={!!name && !nameError}
      onSubmit={() => settingsApi.createField({ name, type, label: label.trim() || undefined })}
      successMessage="Campo criado"
      onDone={onCreated}
    >
      <FormField
        id="field-name"
        label="Nome"
        hint="Letras minúsculas, números e _. Não pode ser alterado depois."
        error={nameError}
      >
        <Input
          required
          autoComplete="off"
          maxLength={MAX_FIELD_NAME + 10}
          placeholder="Ex.: cidade"
          value={name}
          onChange={(e) => setName(toFieldName(e.target.value))}
        />
      </FormField>
      <FormField id="field-type" label="Tipo">
        <OptionSelect value={type} onChange={setType} options={FIELD_TYPE_OPTIONS} />
      </FormField>
      <FormField id="field-label" label="Rótulo" hint="Como o campo aparece para a equipe. Se vazio, usa o nome.">
        <Input maxLength={MAX_LABEL} placeholder="Ex.: Cidade" value={label} onChange={(e) => setLabel(e.target.value)} />
      </FormField>
    </FormDialog>
  );
}

export function FieldsPage() {
  const fields = useFields();
  const [creating, setCreating] = useState(false);
  const [relabeling, setRelabeling] = useState<FieldDef | null>(null);
  const [deleting, setDeleting] = useState<FieldDef | null>(null);
  const refetch = () => void fields.refetch();
  const list = fields.data ?? [];

  return (
    <Page>
      <PageHeader
        title="Campos personalizados"
        description={
          <>
            Dados extras dos contatos, como cidade ou plano. Use-os nas campanhas como{" "}
            <code className="font-mono">{"{{nome_do_campo}}"}</code>.
          </>
        }
        actions={
          <Button onClick={() => setCreating(true)}>
            <Plus />
            Novo campo
          </Button>
        }
      />
      {fields.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : fields.failed ? (
        <ErrorState what="os campos" onRetry={fields.refetch} />
      ) : list.length === 0 ? (
        <EmptyState
          icon={TextCursorInput}
          title="Nenhum campo personalizado"
          description="Crie campos para guardar nos contatos informações além de nome, telefone e e-mail."
        />
      ) : (
        <Card className="py-0">
          <Table data-testid="fields-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Nome</TableHead>
                <TableHead>Tipo</TableHead>
                <TableHead>Rótulo</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((field) => (
                <TableRow key={field.name} data-testid="field-row" data-field={field.name}>
                  <TableCell className="pl-4 font-mono text-sm">{field.name}</TableCell>
                  <TableCell>{fieldTypeLabel(field.type)}</TableCell>
                  <TableCell className="font-medium">{field.label}</TableCell>
                  <RowActions name={field.name}>
                    <DropdownMenuItem onSelect={() => setRelabeling(field)}>
                      <Pencil />
                      Alterar rótulo
                    </DropdownMenuItem>
                    <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(field)}>
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
      <CreateFieldDialog open={creating} onOpenChange={setCreating} onCreated={refetch} />
      <EditTextDialog
        open={relabeling !== null}
        onClose={() => setRelabeling(null)}
        initialValue={relabeling?.label ?? ""}
        title="Alterar rótulo"
        description={
          <>
            O nome <code className="font-mono">{relabeling?.name}</code> continua o mesmo na importação e nas variáveis
            das campanhas.
          </>
        }
        formId="relabel-field"
        inputId="field-new-label"
        label="Rótulo"
        maxLength={MAX_LABEL}
        onSave={async (text) => {
          if (relabeling) await settingsApi.relabelField(relabeling.name, text);
        }}
        successMessage="Rótulo alterado"
        onSaved={refetch}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Excluir o campo “${deleting?.label ?? ""}”?`}
        description="O campo deixa de aparecer na ficha dos contatos e na importação."
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={async () => {
          if (deleting) await settingsApi.deleteField(deleting.name);
        }}
        successMessage="Campo excluído"
        onDone={refetch}
      />
    </Page>
  );
}
