import { Check, Copy, ShieldAlert } from "lucide-react";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";

export interface SecretOnceDialogProps {
  /** The secret to show; null: the dialog is closed. */
  secret: string | null;
  onClose: () => void;
  title: ReactNode;
  description: ReactNode;
  warning: ReactNode;
  testId: string;
  /** "Chave copiada" / "Segredo copiado" and the button's "Copiada" / "Copiado". */
  copiedToast: string;
  copiedLabel: string;
  /** What the manual-copy hint names: "a chave", "o segredo". */
  what: string;
}

/** A secret the server shows only once (an API key, a webhook signing secret): read-only, copy button. */
export function SecretOnceDialog({ secret, onClose, title, description, warning, testId, copiedToast, copiedLabel,
  what }: SecretOnceDialogProps) {
  const [copied, setCopied] = useState<string | null>(null);

  async function copy() {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(secret);
      toast.success(copiedToast);
    } catch {
      toast.error(`Não foi possível copiar: selecione ${what} e copie manualmente.`);
    }
  }

  const done = copied !== null && copied === secret;
  return (
    <Dialog open={secret !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <div className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <ShieldAlert className="mt-0.5 size-4 shrink-0" />
          {warning}
        </div>
        <div className="flex gap-2">
          <Input readOnly data-testid={testId} className="font-mono text-xs" value={secret ?? ""} onFocus={(e) => e.target.select()} />
          <Button type="button" variant="outline" onClick={() => void copy()}>
            {done ? <Check /> : <Copy />}
            {done ? copiedLabel : "Copiar"}
          </Button>
        </div>
        <div className="flex justify-end">
          <Button onClick={onClose}>Já copiei</Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
