import type { ReactNode } from "react";

import { FormDialog } from "@/components/FormDialog";

interface ConfirmDialogProps<T> {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  cancelLabel?: ReactNode;
  /** Before the confirm label (the spinner takes its place while `onConfirm` runs). */
  icon?: ReactNode;
  /** The action. If it fails (the API client toasts it) the dialog stays open. */
  onConfirm: () => T | Promise<T>;
  /** Toasted when `onConfirm` succeeds; then the dialog closes and `onDone` runs. */
  successMessage?: string;
  onDone?: (result: T) => unknown;
}

/** "Are you sure?": a destructive action behind a second click. */
export function ConfirmDialog<T>({ open, onClose, confirmLabel, icon, onConfirm, ...rest }: ConfirmDialogProps<T>) {
  return (
    <FormDialog
      {...rest}
      open={open}
      onOpenChange={(next) => !next && onClose()}
      submitLabel={confirmLabel}
      submitVariant="destructive"
      submitIcon={icon}
      onSubmit={onConfirm}
    />
  );
}
