import { useEffect, useState, type ReactNode } from "react";

import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";

interface EditTextDialogProps {
  open: boolean;
  onClose: () => void;
  /** What the input holds each time the dialog opens. */
  initialValue: string;
  title: ReactNode;
  description: ReactNode;
  formId: string;
  inputId: string;
  label: ReactNode;
  maxLength: number;
  /** Gets the trimmed text (Salvar is disabled while it is empty). */
  onSave: (text: string) => Promise<unknown>;
  successMessage: string;
  onSaved: () => void;
}

/** Change one text of something (a name, a label): one input and Salvar. */
export function EditTextDialog({
  open,
  onClose,
  initialValue,
  inputId,
  label,
  maxLength,
  onSave,
  onSaved,
  ...rest
}: EditTextDialogProps) {
  const [text, setText] = useState("");
  useEffect(() => setText(open ? initialValue : ""), [open, initialValue]);

  return (
    <FormDialog
      {...rest}
      open={open}
      onOpenChange={(next) => !next && onClose()}
      submitLabel="Salvar"
      canSubmit={!!text.trim()}
      onSubmit={() => onSave(text.trim())}
      onDone={onSaved}
    >
      <FormField id={inputId} label={label}>
        <Input required maxLength={maxLength} value={text} onChange={(e) => setText(e.target.value)} />
      </FormField>
    </FormDialog>
  );
}
