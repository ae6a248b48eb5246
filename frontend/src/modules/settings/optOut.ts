/** The opt-out keywords as the API stores and matches them (alrea.domain.campaigns.normalise_keyword). */

export const MAX_KEYWORDS = 20;
export const MAX_KEYWORD_LENGTH = 30;
export const MAX_CONFIRMATION_LENGTH = 4096;

/** Upper case, without accents or punctuation: "Pare!" → "PARE". */
export function normaliseKeyword(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .replace(/[^A-Za-z0-9 ]/g, "")
    .trim()
    .toUpperCase();
}

/** The list with the words typed in `raw` (separated by commas, semicolons or lines) added once each. */
export function addKeywords(current: string[], raw: string): string[] {
  const out = [...current];
  for (const part of raw.split(/[,;\n]/)) {
    const word = normaliseKeyword(part);
    if (word && !out.includes(word)) out.push(word);
  }
  return out;
}

export function sameKeywords(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Why the API would refuse this list, in Portuguese; null when it is fine. */
export function keywordsError(keywords: string[]): string | null {
  if (keywords.length === 0) return "Informe ao menos uma palavra de descadastro.";
  if (keywords.length > MAX_KEYWORDS) return `No máximo ${MAX_KEYWORDS} palavras de descadastro.`;
  if (keywords.some((k) => k.length > MAX_KEYWORD_LENGTH))
    return `Cada palavra pode ter até ${MAX_KEYWORD_LENGTH} caracteres.`;
  return null;
}
