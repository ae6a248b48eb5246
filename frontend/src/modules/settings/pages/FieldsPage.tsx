import { Loader2, MoreHorizontal, Pencil, Plus, TextCursorInput, Trash2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/components/EmptyState";
import { FormField, type FormControlProps } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

import { settingsApi } from "../api";
import { FIELD_TYPE_LABELS, FIELD_TYPES, MAX_FIELD_NAME, fieldNameError, fieldTypeLabel, toFieldName } from "../fields";
import { useFields } from "../hooks/useSettingsData";
import type { FieldDef, FieldType } from "../types";

const MAX_LABEL = 120;

function FieldTypeSelect({
  value,
  onChange,
  ...control
}: { value: FieldType; onChange: (t: FieldType) => void } & FormControlProps) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as FieldType)}>
      <SelectTrigger {...control} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {FIELD_TYPES.map((t) => (
          <SelectItem key={t} value={t}>
            {FIELD_TYPE_LABELS[t]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

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
  const [saving, setSaving] = useState(false);
  const nameError = fieldNameError(name);

  useEffect(() => {
    if (open) {
      setName("");
      setType("text");
      setLabel("");
    }
  }, [open]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name || nameError) return;
    setSaving(true);
    try {
      await settingsApi.createField({ name, type, label: label.trim() || undefined });
      toast.success("Campo criado");
      onOpenChange(false);
      onCreated();
    } catch {
      // 409 (name taken), 422… toasted by the API client; keep the form open.
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Novo campo</DialogTitle>
          <DialogDescription>O campo aparece na ficha de todos os contatos e na importação de CSV.</DialogDescription>
        </DialogHeader>
        <form id="create-field" className="grid gap-4" onSubmit={onSubmit}>
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
            <FieldTypeSelect value={type} onChange={setType} />
          </FormField>
          <FormField id="field-label" label="Rótulo" hint="Como o campo aparece para a equipe. Se vazio, usa o nome.">
            <Input
              maxLength={MAX_LABEL}
              placeholder="Ex.: Cidade"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
            />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" type="button" onClick={() => onOpenChange(false)}>
            Cancelar
          </Button>
          <Button type="submit" form="create-field" disabled={saving || !name || !!nameError}>
            {saving ? <Loader2 className="animate-spin" /> : null}
            Criar campo
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RelabelDialog({
  field,
  onClose,
  onSaved,
}: {
  field: FieldDef | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [label, setLabel] = useState("");
  const [saving, setSaving] = useState(false);
  useEffect(() => setLabel(field?.label ?? ""), [field]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!field || !label.trim()) return;
    setSaving(true);
    try {
      await settingsApi.relabelField(field.name, label.trim());
      toast.success("Rótulo alterado");
      onClose();
      onSaved();
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={field !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Alterar rótulo</DialogTitle>
          <DialogDescription>
            O nome <code className="font-mono">{field?.name}</code> continua o mesmo na importação e nas variáveis das
            campanhas.
          </DialogDescription>
        </DialogHeader>
        <form id="relabel-field" onSubmit={onSubmit}>
          <FormField id="field-new-label" label="Rótulo">
            <Input required maxLength={MAX_LABEL} value={label} onChange={(e) => setLabel(e.target.value)} />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" type="button" onClick={onClose}>
            Cancelar
          </Button>
          <Button type="submit" form="relabel-field" disabled={saving || !label.trim()}>
            {saving ? <Loader2 className="animate-spin" /> : null}
            Salvar
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({
  field,
  onClose,
  onDeleted,
}: {
  field: FieldDef | null;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [deleting, setDeleting] = useState(false);

  async function confirm() {
    if (!field) return;
    setDeleting(true);
    try {
      await settingsApi.deleteField(field.name);
      toast.success("Campo excluído");
      onClose();
      onDeleted();
    } catch {
      // toasted by the API client
    } finally {
      setDeleting(false);
    }
  }

  return (
    <Dialog open={field !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Excluir o campo “{field?.label}”?</DialogTitle>
          <DialogDescription>O campo deixa de aparecer na ficha dos contatos e na importação.</DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Cancelar
          </Button>
          <Button variant="destructive" onClick={() => void confirm()} disabled={deleting}>
            {deleting ? <Loader2 className="animate-spin" /> : <Trash2 />}
            Excluir
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
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
                <TableHead className="w-12 pr-4">
                  <span className="sr-only">Ações</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((field) => (
                <TableRow key={field.name} data-testid="field-row" data-field={field.name}>
                  <TableCell className="pl-4 font-mono text-sm">{field.name}</TableCell>
                  <TableCell>{fieldTypeLabel(field.type)}</TableCell>
                  <TableCell className="font-medium">{field.label}</TableCell>
                  <TableCell className="pr-4 text-right">
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label={`Ações para ${field.name}`}>
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent align="end">
                        <DropdownMenuItem onSelect={() => setRelabeling(field)}>
                          <Pencil />
                          Alterar rótulo
                        </DropdownMenuItem>
                        <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(field)}>
                          <Trash2 />
                          Excluir
                        </DropdownMenuItem>
                      </DropdownMenuContent>
                    </DropdownMenu>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      <CreateFieldDialog open={creating} onOpenChange={setCreating} onCreated={refetch} />
      <RelabelDialog field={relabeling} onClose={() => setRelabeling(null)} onSaved={refetch} />
      <DeleteDialog field={deleting} onClose={() => setDeleting(null)} onDeleted={refetch} />
    </Page>
  );
}
