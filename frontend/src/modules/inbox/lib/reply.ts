/** Pure rules of replies and reactions (what can be acted on, what a quote shows). */
import type { Message } from "../types";

/** Whether a message can be replied to or reacted on: a WhatsApp message (not a note), not deleted, and — ours —
 * already sent (WhatsApp knows it only by its id). */
export function canAct(m: Message): boolean {
  if (m.kind === "note" || m.kind === "reaction" || m.deleted) return false;
  if (m.direction === "out" && (m.status === "pending" || m.status === "failed" || m.status === "unknown")) return false;
  return true;
}

/** The short text a quote shows of a message: its body, caption or kind. */
export function quoteText(m: Pick<Message, "text" | "media" | "kind">): string {
  const labels: Record<string, string> = {
    image: "Imagem",
    audio: "Áudio",
    video: "Vídeo",
    document: "Documento",
    sticker: "Figurinha",
    location: "Localização",
    contact: "Contato",
  };
  return m.text || m.media?.caption || labels[m.kind] || "Mensagem";
}
