import { useId, type FormEvent, type ReactNode } from "react";

import { DialogActions } from "@/components/DialogActions";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useAsyncAction } from "@/hooks/useAsyncAction";

export interface FormDialogProps<T> {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  /** The fields, in a form that the submit button submits. Without children there is no form. */
  children?: ReactNode;
  formId?: string;
  formClassName?: string;
  submitLabel: ReactNode;
  submitVariant?: "default" | "destructive";
  submitIcon?: ReactNode;
  cancelLabel?: ReactNode;
  /** Off: the submit button is disabled and submitting the form does nothing. */
  canSubmit?: boolean;
  /** The API call. While it runs the submit button spins; if it fails (the API client toasts it) the dialog stays open. */
  onSubmit: () => T | Promise<T>;
  /** Toasted when `onSubmit` succeeds; then the dialog closes and `onDone` gets the result. */
  successMessage?: string;
  onDone?: (result: T) => unknown;
}

/** A dialog that does one thing: title, description, optional fields, then Cancelar and the submit button. */
export function FormDialog<T>({
  open,
  onOpenChange,
  title,
  description,
  children,
  formId,
  formClassName,
  submitLabel,
  submitVariant,
  submitIcon,
  cancelLabel,
  canSubmit = true,
  onSubmit,
  successMessage,
  onDone,
}: FormDialogProps<T>) {
  const generatedId = useId();
  const form = children ? (formId ?? generatedId) : undefined;
  const submit = useAsyncAction(onSubmit, {
    successMessage,
    onDone: (result) => {
      onOpenChange(false);
      return onDone?.(result);
    },
  });

  function onFormSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (canSubmit) void submit.run();
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {form ? (
          <form id={form} className={formClassName} onSubmit={onFormSubmit}>
            {children}
          </form>
        ) : null}
        <DialogActions
          form={form}
          onSubmit={() => void submit.run()}
          onCancel={() => onOpenChange(false)}
          saving={submit.pending}
          disabled={!canSubmit}
          submitLabel={submitLabel}
          cancelLabel={cancelLabel}
          variant={submitVariant}
          icon={submitIcon}
        />
      </DialogContent>
    </Dialog>
  );
}
