/** Inbox search: the call to GET /api/search and the highlight of matched words in a snippet. */
import { api } from "@/lib/api";

export const MIN_SEARCH = 3;

export interface MessageHit {
  conversation_id: string;
  message_id: string;
  snippet: string;
  at: string;
  direction: "in" | "out";
  contact_name: string | null;
  phone: string | null;
  terms: string[];
}

export interface SearchAnswer {
  messages: MessageHit[];
  contacts: { id: string; name: string | null; phone: string | null }[];
  next_cursor: string | null;
}

export async function searchInbox(q: string, cursor: string | null, signal?: AbortSignal): Promise<SearchAnswer> {
  const params: Record<string, string> = { q, limit: "20" };
  if (cursor) params.cursor = cursor;
  const { data } = await api.get<SearchAnswer>("/search", { params, signal, skipErrorToast: true });
  return { messages: data.messages ?? [], contacts: data.contacts ?? [], next_cursor: data.next_cursor ?? null };
}

/** One character folded the way the server folds words: accents removed, lower case. */
function foldChar(c: string): string {
  return c.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export interface Piece {
  text: string;
  hit: boolean;
}

/** Split `text` into pieces, marking every word that starts with one of `terms` (folded comparison). */
export function highlight(text: string, terms: string[]): Piece[] {
  const wanted = terms.map((t) => t.trim()).filter(Boolean);
  if (!text || wanted.length === 0) return [{ text, hit: false }];
  const chars = Array.from(text);
  const folded = chars.map(foldChar);
  const hit = new Array<boolean>(chars.length).fill(false);
  const isWord = (i: number) => /[\p{L}\p{N}]/u.test(chars[i] ?? "");
  for (let i = 0; i < chars.length; i++) {
    if (!isWord(i) || (i > 0 && isWord(i - 1))) continue; // only at the start of a word
    for (const term of wanted) {
      let j = i;
      let k = 0;
      while (k < term.length && j < chars.length) {
        const f = folded[j];
        if (!term.startsWith(f, k)) break;
        k += f.length;
        j++;
      }
      if (k >= term.length) {
        for (let x = i; x < j; x++) hit[x] = true;
      }
    }
  }
  const pieces: Piece[] = [];
  chars.forEach((c, i) => {
    const last = pieces[pieces.length - 1];
    if (last && last.hit === hit[i]) last.text += c;
    else pieces.push({ text: c, hit: hit[i] });
  });
  return pieces;
}
