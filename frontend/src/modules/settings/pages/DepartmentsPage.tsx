import { Building2, Loader2, Pencil, Plus, Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EditTextDialog } from "@/components/EditTextDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useAsyncAction } from "@/hooks/useAsyncAction";

import { settingsApi } from "../api";
import { useDepartments } from "../hooks/useSettingsData";
import type { Department } from "../types";

export function DepartmentsPage() {
  const departments = useDepartments();
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<Department | null>(null);
  const [deleting, setDeleting] = useState<Department | null>(null);
  const create = useAsyncAction(() => settingsApi.createDepartment(name.trim()), {
    successMessage: "Departamento criado",
    onDone: async () => {
      setName("");
      await departments.refetch();
    },
  });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim()) void create.run();
  }

  const list = departments.data ?? [];

  return (
    <Page>
      <PageHeader title="Departamentos" description="Agrupe atendentes e direcione conversas por área." />
      <Card>
        <CardContent>
          <form className="flex flex-col gap-2 sm:flex-row sm:items-end" onSubmit={onCreate}>
            <FormField id="department-name" label="Novo departamento" className="flex-1">
              <Input
                placeholder="Ex.: Vendas, Suporte, Financeiro"
                maxLength={80}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </FormField>
            <Button type="submit" disabled={create.pending || !name.trim()}>
              {create.pending ? <Loader2 className="animate-spin" /> : <Plus />}
              Adicionar
            </Button>
          </form>
        </CardContent>
      </Card>
      {departments.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : departments.failed ? (
        <ErrorState what="os departamentos" onRetry={departments.refetch} />
      ) : list.length === 0 ? (
        <EmptyState icon={Building2} title="Nenhum departamento" description="Crie o primeiro acima." />
      ) : (
        <Card className="py-0">
          <Table data-testid="departments-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Nome</TableHead>
                <TableHead>Usuários</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((dept) => (
                <TableRow key={dept.id}>
                  <TableCell className="pl-4 font-medium">{dept.name}</TableCell>
                  <TableCell className="text-muted-foreground">{dept.members_count ?? "—"}</TableCell>
                  <RowActions name={dept.name}>
                    <DropdownMenuItem onSelect={() => setRenaming(dept)}>
                      <Pencil />
                      Renomear
                    </DropdownMenuItem>
                    <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(dept)}>
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
      <EditTextDialog
        open={renaming !== null}
        onClose={() => setRenaming(null)}
        initialValue={renaming?.name ?? ""}
        title="Renomear departamento"
        description="O novo nome aparece para toda a equipe."
        formId="rename-department"
        inputId="department-new-name"
        label="Nome"
        maxLength={80}
        onSave={async (text) => {
          if (renaming) await settingsApi.renameDepartment(renaming.id, text);
        }}
        successMessage="Departamento renomeado"
        onSaved={() => void departments.refetch()}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Excluir “${deleting?.name ?? ""}”?`}
        description="Esta ação não pode ser desfeita."
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={async () => {
          // 409 (department in use) and others are toasted by the API client
          if (deleting) await settingsApi.deleteDepartment(deleting.id);
        }}
        successMessage="Departamento excluído"
        onDone={() => void departments.refetch()}
      />
    </Page>
  );
}
