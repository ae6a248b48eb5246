import { Building2, Loader2, MoreHorizontal, Pencil, Plus, Trash2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/components/EmptyState";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
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
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

import { settingsApi } from "../api";
import { useDepartments } from "../hooks/useSettingsData";
import type { Department } from "../types";

function RenameDialog({
  department,
  onClose,
  onSaved,
}: {
  department: Department | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [name, setName] = useState("");
  const [saving, setSaving] = useState(false);
  useEffect(() => setName(department?.name ?? ""), [department]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!department) return;
    setSaving(true);
    try {
      await settingsApi.renameDepartment(department.id, name.trim());
      toast.success("Departamento renomeado");
      onClose();
      onSaved();
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={department !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Renomear departamento</DialogTitle>
          <DialogDescription>O novo nome aparece para toda a equipe.</DialogDescription>
        </DialogHeader>
        <form id="rename-department" onSubmit={onSubmit}>
          <FormField id="department-new-name" label="Nome">
            <Input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
          </FormField>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={onClose}>
            Cancelar
          </Button>
          <Button type="submit" form="rename-department" disabled={saving || !name.trim()}>
            {saving ? <Loader2 className="animate-spin" /> : null}
            Salvar
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({
  department,
  onClose,
  onDeleted,
}: {
  department: Department | null;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [deleting, setDeleting] = useState(false);

  async function confirm() {
    if (!department) return;
    setDeleting(true);
    try {
      await settingsApi.deleteDepartment(department.id);
      toast.success("Departamento excluído");
      onClose();
      onDeleted();
    } catch {
      // 409 (department in use) and others are toasted by the API client
    } finally {
      setDeleting(false);
    }
  }

  return (
    <Dialog open={department !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Excluir “{department?.name}”?</DialogTitle>
          <DialogDescription>Esta ação não pode ser desfeita.</DialogDescription>
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

export function DepartmentsPage() {
  const departments = useDepartments();
  const [name, setName] = useState("");
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Department | null>(null);
  const [deleting, setDeleting] = useState<Department | null>(null);

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setCreating(true);
    try {
      await settingsApi.createDepartment(trimmed);
      toast.success("Departamento criado");
      setName("");
      await departments.refetch();
    } catch {
      // toasted by the API client
    } finally {
      setCreating(false);
    }
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
            <Button type="submit" disabled={creating || !name.trim()}>
              {creating ? <Loader2 className="animate-spin" /> : <Plus />}
              Adicionar
            </Button>
          </form>
        </CardContent>
      </Card>
      {departments.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : list.length === 0 ? (
        <EmptyState icon={Building2} title="Nenhum departamento" description="Crie o primeiro acima." />
      ) : (
        <Card className="py-0">
          <Table data-testid="departments-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Nome</TableHead>
                <TableHead>Usuários</TableHead>
                <TableHead className="w-12 pr-4">
                  <span className="sr-only">Ações</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((dept) => (
                <TableRow key={dept.id}>
                  <TableCell className="pl-4 font-medium">{dept.name}</TableCell>
                  <TableCell className="text-muted-foreground">{dept.members_count ?? "—"}</TableCell>
                  <TableCell className="pr-4 text-right">
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label={`Ações para ${dept.name}`}>
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent align="end">
                        <DropdownMenuItem onSelect={() => setRenaming(dept)}>
                          <Pencil />
                          Renomear
                        </DropdownMenuItem>
                        <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(dept)}>
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
      <RenameDialog
        department={renaming}
        onClose={() => setRenaming(null)}
        onSaved={() => void departments.refetch()}
      />
      <DeleteDialog
        department={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => void departments.refetch()}
      />
    </Page>
  );
}
