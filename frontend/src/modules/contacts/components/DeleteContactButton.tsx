import { Trash2 } from "lucide-react";
import { useState } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { Button } from "@/components/ui/button";
import { useAuth } from "@/stores/auth";

import { contactsApi } from "../api";

/** Admins and managers: remove a contact from the base (its conversations stay in the inbox). */
export function DeleteContactButton({ contactId, label, onDeleted }: { contactId: string; label: string; onDeleted: () => void }) {
  const canDelete = useAuth((s) => s.user?.role === "admin" || s.user?.role === "manager");
  const [open, setOpen] = useState(false);
  if (!canDelete) return null;
  return (
    <>
      <Button variant="outline" size="sm" className="w-full" onClick={() => setOpen(true)}>
        <Trash2 />
        Excluir contato
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Excluir ${label}?`}
        description="O contato sai da base e das próximas campanhas; as conversas continuam no Flow Chat."
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={() => contactsApi.remove(contactId)}
        successMessage="Contato excluído"
        onDone={onDeleted}
      />
    </>
  );
}
