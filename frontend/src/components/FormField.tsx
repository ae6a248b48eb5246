/**
 * One form field: a label, the control, an optional hint and an optional error message.
 *
 * The control is the single child element. FormField gives it `id` (so the label's htmlFor points at it),
 * `aria-describedby` (hint and error) and `aria-invalid` when there is an error; props the child sets itself
 * win. A custom control component (a Select wrapper, say) must pass these through to its focusable element.
 */
import { Slot as SlotPrimitive } from "radix-ui";
import type { AriaAttributes, ReactElement, ReactNode } from "react";

import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

/** What FormField hands to its control; wrapper components pass these on to the focusable element. */
export interface FormControlProps {
  id?: string;
  "aria-describedby"?: AriaAttributes["aria-describedby"];
  "aria-invalid"?: AriaAttributes["aria-invalid"];
}

interface FormFieldProps {
  /** The control's id; the label points at it and hint/error ids derive from it. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  children: ReactElement;
}

export function FormField({ id, label, hint, error, className, children }: FormFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("grid gap-2", className)} data-slot="form-field">
      <Label htmlFor={id}>{label}</Label>
      <SlotPrimitive.Slot id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
        {children}
      </SlotPrimitive.Slot>
      {hint ? (
        <p id={hintId} className="text-muted-foreground text-xs">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-destructive text-xs" data-slot="form-field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
