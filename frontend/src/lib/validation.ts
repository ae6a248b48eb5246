/**
 * pt-BR messages for the browser's own form validation (required, maxlength, type=email…), instead of the
 * browser's language: one capturing `invalid` listener for the whole app, installed once from main.tsx.
 */
export function validationMessage(v: ValidityState, el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): string {
  if (v.valueMissing) return el instanceof HTMLSelectElement ? "Escolha uma opção." : "Preencha este campo.";
  if (v.typeMismatch) return el.type === "email" ? "Informe um e-mail válido, como nome@empresa.com.br." : "Valor inválido.";
  if (v.tooShort) return `Use pelo menos ${(el as HTMLInputElement).minLength} caracteres.`;
  if (v.tooLong) return `Use no máximo ${(el as HTMLInputElement).maxLength} caracteres.`;
  if (v.rangeUnderflow) return `O valor mínimo é ${(el as HTMLInputElement).min}.`;
  if (v.rangeOverflow) return `O valor máximo é ${(el as HTMLInputElement).max}.`;
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
