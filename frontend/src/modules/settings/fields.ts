/** Custom contact fields: type labels and the API's naming rule, checked before sending. */
import type { FieldType } from "./types";

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: "Texto",
  number: "Número",
  date: "Data",
};

export const FIELD_TYPES = Object.keys(FIELD_TYPE_LABELS) as FieldType[];

export function fieldTypeLabel(type: string): string {
  return FIELD_TYPE_LABELS[type as FieldType] ?? type;
}

/** The API's rule (alrea.domain.contacts.FIELD_NAME). */
const FIELD_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_FIELD_NAME = 40;

/** What a person types, on its way to a valid name: lower case, no accents, spaces and hyphens as "_". */
export function toFieldName(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\s-]/g, "_");
}

/** Why a field name would be refused, in Portuguese; null when it is valid (or still empty). */
export function fieldNameError(name: string): string | null {
  if (!name || FIELD_NAME.test(name)) return null;
  if (!/^[a-z]/i.test(name)) return "Comece o nome com uma letra.";
  if (name.length > MAX_FIELD_NAME) return `Use no máximo ${MAX_FIELD_NAME} caracteres.`;
  return "Use apenas letras minúsculas sem acento, números e _.";
}
