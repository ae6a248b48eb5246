import { ShieldX } from "lucide-react";
import { useState } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { Button } from "@/components/ui/button";
import { privacyApi, type ErasureResult } from "@/modules/settings/privacyApi";
import { useAuth } from "@/stores/auth";

/** Admins only: erase everything of a contact (LGPD), behind a confirmation. */
export function EraseContactButton({ contactId, label, onErased }: { contactId: string; label: string; onErased: () => void }) {
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  const [open, setOpen] = useState(false);
  if (!isAdmin) return null;
  return (
    <>
      <Button variant="outline" size="sm" className="text-destructive w-full" onClick={() => setOpen(true)}>
        <ShieldX />
        Apagar dados (LGPD)
      </Button>
      <ConfirmDialog<ErasureResult>
        open={open}
        onClose={() => setOpen(false)}
        title={`Apagar todos os dados de ${label}?`}
        description={
          "O contato, as conversas, mensagens, arquivos e o histórico de campanhas dele serão apagados " +
          "para sempre. Fica só um código irreversível para que nenhuma campanha o alcance de novo."
        }
        confirmLabel="Apagar dados"
        onConfirm={() => privacyApi.eraseContact(contactId)}
        successMessage="Dados do contato apagados"
        onDone={onErased}
      />
    </>
  );
}
