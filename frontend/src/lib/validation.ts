/**
 * pt-BR messages for the browser's own form validation (required, maxlength, type=email…), instead of the
 * browser's language: one capturing `invalid` listener for the whole app, installed once from main.tsx.
 */
/** What the message needs from the field (an <input>, <textarea> or <select>). */
export interface FieldLike {
  tagName: string;
  type?: string;
  title?: string;
  minLength?: number;
  maxLength?: number;
  min?: string;
  max?: string;
}

export function validationMessage(v: Partial<ValidityState>, el: FieldLike): string {
  if (v.valueMissing) return el.tagName === "SELECT" ? "Escolha uma opção." : "Preencha este campo.";
  if (v.typeMismatch) return el.type === "email" ? "Informe um e-mail válido, como nome@empresa.com.br." : "Valor inválido.";
  if (v.tooShort) return `Use pelo menos ${el.minLength} caracteres.`;
  if (v.tooLong) return `Use no máximo ${el.maxLength} caracteres.`;
  if (v.rangeUnderflow) return `O valor mínimo é ${el.min}.`;
  if (v.rangeOverflow) return `O valor máximo é ${el.max}.`;
  if (v.stepMismatch) return "Use um número inteiro.";
  if (v.badInput) return "Informe um número.";
  if (v.patternMismatch) return el.title || "O formato não é válido.";
  return "";
}

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function isField(t: EventTarget | null): t is Field {
  return t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
}

export function installValidationMessages(doc: Document = document): void {
  doc.addEventListener(
    "invalid",
    (event) => {
      const el = event.target;
      if (!isField(el)) return;
      el.setCustomValidity("");
      if (!el.validity.valid) el.setCustomValidity(validationMessage(el.validity, el));
    },
    true,
  );
  const clear = (event: Event) => {
    if (isField(event.target)) event.target.setCustomValidity("");
  };
  doc.addEventListener("input", clear, true);
  doc.addEventListener("change", clear, true);
}
