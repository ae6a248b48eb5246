import { MailPlus, Pencil, UserCheck, UserX, Users } from "lucide-react";
import { useMemo, useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Avatar, AvatarFallback } from "@/components/ui/avatar";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DropdownMenuItem, DropdownMenuSeparator } from "@/components/ui/dropdown-menu";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { initials } from "@/lib/utils";
import { roleLabel } from "@/modules/auth/types";
import { useAuth } from "@/stores/auth";

import { settingsApi } from "../api";
import { PendingInvitations } from "../components/PendingInvitations";
import { EditUserDialog, InviteUserDialog } from "../components/UserDialogs";
import { useDepartments, useInvitations, useUsers } from "../hooks/useSettingsData";
import type { Invitation, User } from "../types";

export function UsersPage() {
  const me = useAuth((s) => s.user);
  const users = useUsers();
  const departments = useDepartments();
  const invitations = useInvitations();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);

  const deptName = useMemo(() => {
    const map = new Map((departments.data ?? []).map((d) => [d.id, d.name]));
    return (id: string | null) => (id ? (map.get(id) ?? "—") : "—");
  }, [departments.data]);

  async function toggleActive(user: User) {
    try {
      await settingsApi.setUserActive(user.id, !user.active);
      toast.success(user.active ? `${user.name} foi desativado` : `${user.name} foi reativado`);
      await users.refetch();
    } catch {
      // toasted by the API client
    }
  }

  const list = users.data ?? [];

  async function invited(invitation: Invitation) {
    if (invitation.sent === false) toast.warning(`Convite salvo, mas o e-mail para ${invitation.email} não saiu. Use "Reenviar".`);
    else toast.success(`Convite enviado para ${invitation.email}`);
    await invitations.refetch();
  }

  return (
    <Page>
      <PageHeader
        title="Usuários"
        description="Quem acessa o ALREA Flow da sua empresa, com papel e departamento."
        actions={
          <Button onClick={() => setInviting(true)}>
            <MailPlus />
            Convidar pessoa
          </Button>
        }
      />
      <PendingInvitations
        invitations={invitations.data ?? []}
        deptName={deptName}
        onChanged={() => void invitations.refetch()}
      />
      {users.loading ? (
        <Card className="gap-3 p-4">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-10 w-full" />
          ))}
        </Card>
      ) : users.failed ? (
        <ErrorState what="os usuários" onRetry={users.refetch} />
      ) : list.length === 0 ? (
        <EmptyState icon={Users} title="Nenhum usuário" description="Convide a primeira pessoa da equipe." />
      ) : (
        <Card className="py-0">
          <Table data-testid="users-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Nome</TableHead>
                <TableHead>E-mail</TableHead>
                <TableHead>Papel</TableHead>
                <TableHead>Departamento</TableHead>
                <TableHead>Status</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((user) => (
                <TableRow key={user.id} data-testid="user-row">
                  <TableCell className="pl-4">
                    <div className="flex items-center gap-3">
                      <Avatar className="size-8">
                        <AvatarFallback>{initials(user.name)}</AvatarFallback>
                      </Avatar>
                      <span className="font-medium">{user.name}</span>
                      {user.id === me?.id ? <Badge variant="outline">Você</Badge> : null}
                    </div>
                  </TableCell>
                  <TableCell className="text-muted-foreground">{user.email}</TableCell>
                  <TableCell>
                    <Badge variant="secondary">{roleLabel(user.role)}</Badge>
                  </TableCell>
                  <TableCell>{deptName(user.department_id)}</TableCell>
                  <TableCell>
                    {user.active ? <Badge variant="success">Ativo</Badge> : <Badge variant="outline">Inativo</Badge>}
                  </TableCell>
                  <RowActions name={user.name}>
                    <DropdownMenuItem onSelect={() => setEditing(user)}>
                      <Pencil />
                      Alterar papel e departamento
                    </DropdownMenuItem>
                    <DropdownMenuSeparator />
                    {user.active ? (
                      <DropdownMenuItem
                        variant="destructive"
                        disabled={user.id === me?.id}
                        onSelect={() => void toggleActive(user)}
                      >
                        <UserX />
                        Desativar
                      </DropdownMenuItem>
                    ) : (
                      <DropdownMenuItem onSelect={() => void toggleActive(user)}>
                        <UserCheck />
                        Ativar
                      </DropdownMenuItem>
                    )}
                  </RowActions>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      <InviteUserDialog
        open={inviting}
        onOpenChange={setInviting}
        departments={departments.data ?? []}
        onInvited={(invitation) => void invited(invitation)}
      />
      <EditUserDialog
        user={editing}
        onOpenChange={(open) => !open && setEditing(null)}
        departments={departments.data ?? []}
        onSaved={() => void users.refetch()}
      />
    </Page>
  );
}
