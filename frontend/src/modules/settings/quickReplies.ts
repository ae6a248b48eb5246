export const SHORTCUT = /^[\p{L}\p{N}_.-]{1,40}$/u;

/** "/Boas Vindas" → "boas-vindas": what the API keys a shortcut by (no slash, lower case, no spaces). */
export function normalizeShortcut(raw: string): string {
  return raw
    .trim()
    .replace(/^\/+/, "")
    .toLowerCase()
    .replace(/\s+/g, "-");
}
