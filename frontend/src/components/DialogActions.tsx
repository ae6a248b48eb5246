import { Loader2 } from "lucide-react";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";

interface DialogActionsProps {
  submitLabel: ReactNode;
  onCancel: () => void;
  cancelLabel?: ReactNode;
  /** The submit button spins and is disabled while this is on. */
  saving?: boolean;
  disabled?: boolean;
  /** The id of the form the submit button submits; without one, the button calls `onSubmit`. */
  form?: string;
  onSubmit?: () => void;
  variant?: "default" | "destructive";
  /** Shown before the label when not saving (the spinner takes its place). */
  icon?: ReactNode;
}

/** A dialog's footer: Cancelar and the button that does the dialog's work. */
export function DialogActions({
  submitLabel,
  onCancel,
  cancelLabel = "Cancelar",
  saving = false,
  disabled = false,
  form,
  onSubmit,
  variant,
  icon = null,
}: DialogActionsProps) {
  return (
    <DialogFooter>
      <Button variant="outline" type="button" onClick={onCancel}>
        {cancelLabel}
      </Button>
      <Button
        type={form ? "submit" : "button"}
        form={form}
        variant={variant}
        onClick={form ? undefined : onSubmit}
        disabled={saving || disabled}
      >
        {saving ? <Loader2 className="animate-spin" /> : icon}
        {submitLabel}
      </Button>
    </DialogFooter>
  );
}
