import { MailX, Send } from "lucide-react";
import { toast } from "sonner";

import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { roleLabel } from "@/modules/auth/types";

import { settingsApi } from "../api";
import type { Invitation } from "../types";

function expiry(invitation: Invitation, nowMs = Date.now()): string {
  const days = Math.ceil((invitation.expires_at * 1000 - nowMs) / 86_400_000);
  if (days <= 0) return "Expirado";
  return days === 1 ? "Expira amanhã" : `Expira em ${days} dias`;
}

interface PendingInvitationsProps {
  invitations: Invitation[];
  deptName: (id: string | null) => string;
  onChanged: () => void;
}

/** Invitations sent and not accepted yet: resend (a new link, 7 more days) or cancel. */
export function PendingInvitations({ invitations, deptName, onChanged }: PendingInvitationsProps) {
  if (invitations.length === 0) return null;

  async function resend(invitation: Invitation) {
    try {
      const sent = await settingsApi.resendInvitation(invitation.id);
      if (sent.sent === false) toast.warning(`O e-mail para ${invitation.email} não saiu. Tente de novo.`);
      else toast.success(`Convite reenviado para ${invitation.email}`);
      onChanged();
    } catch {
      // toasted by the API client
    }
  }

  async function cancel(invitation: Invitation) {
    try {
      await settingsApi.cancelInvitation(invitation.id);
      toast.success(`Convite de ${invitation.email} cancelado`);
      onChanged();
    } catch {
      // toasted by the API client
    }
  }

  return (
    <Card className="gap-0 py-0">
      <CardHeader className="px-4 pt-4 pb-2">
        <CardTitle className="text-base">Convites pendentes</CardTitle>
        <CardDescription>A pessoa vira usuário quando aceitar o convite e criar a senha.</CardDescription>
      </CardHeader>
      <Table data-testid="invitations-table">
        <TableHeader>
          <TableRow>
            <TableHead className="pl-4">Nome</TableHead>
            <TableHead>E-mail</TableHead>
            <TableHead>Papel</TableHead>
            <TableHead>Departamento</TableHead>
            <TableHead>Validade</TableHead>
            <RowActionsHead />
          </TableRow>
        </TableHeader>
        <TableBody>
          {invitations.map((invitation) => (
            <TableRow key={invitation.id} data-testid="invitation-row">
              <TableCell className="pl-4 font-medium">{invitation.name}</TableCell>
              <TableCell className="text-muted-foreground">{invitation.email}</TableCell>
              <TableCell>
                <Badge variant="secondary">{roleLabel(invitation.role)}</Badge>
              </TableCell>
              <TableCell>{deptName(invitation.department_id)}</TableCell>
              <TableCell>
                <Badge variant="outline">{expiry(invitation)}</Badge>
              </TableCell>
              <RowActions name={invitation.name}>
                <DropdownMenuItem onSelect={() => void resend(invitation)}>
                  <Send />
                  Reenviar convite
                </DropdownMenuItem>
                <DropdownMenuItem variant="destructive" onSelect={() => void cancel(invitation)}>
                  <MailX />
                  Cancelar convite
                </DropdownMenuItem>
              </RowActions>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
