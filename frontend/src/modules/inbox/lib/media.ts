/** Media of inbox messages: presigned URLs of stored files, download retries, display helpers. */
import { api } from "@/lib/api";

import type { Message } from "../types";

export interface MediaUrl {
  url: string;
  expires_in?: number;
  expires_at?: string | null;
  mimetype?: string | null;
  file_name?: string | null;
}

export const mediaApi = {
  /** A fresh presigned GET of a message's stored file; 404 while it is still downloading. */
  async url(conversationId: string, messageId: string) {
    const path = `/media/${encodeURIComponent(conversationId)}/${encodeURIComponent(messageId)}`;
    return (await api.get<MediaUrl>(path, { skipErrorToast: true })).data;
  },
  /** Queue the download of a received file again (after it failed). */
  async retry(conversationId: string, messageId: string) {
    const path = `/media/${encodeURIComponent(conversationId)}/${encodeURIComponent(messageId)}/retry`;
    return (await api.post<Message>(path)).data;
  },
};

/** A URL is used only while it has this much life left (ms); otherwise a fresh one is asked. */
const MIN_LIFE_MS = 15_000;

/** The message's own presigned URL if it is still good, else null. */
export function freshUrl(message: Message, now: number = Date.now()): string | null {
  const url = message.media?.url;
  if (!url) return null;
  const expires = message.media?.url_expires_at ? Date.parse(message.media.url_expires_at) : NaN;
  if (Number.isFinite(expires) && expires - now < MIN_LIFE_MS) return null;
  return url;
}

/** "1,2 MB", "830 KB", "120 B" (pt-BR decimals). */
export function formatBytes(size: number | null | undefined): string | null {
  if (typeof size !== "number" || !Number.isFinite(size) || size < 0) return null;
  if (size < 1024) return `${size} B`;
  const units = ["KB", "MB", "GB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toLocaleString("pt-BR", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[unit]}`;
}

/** "0:07", "1:05" for a recording timer or an audio length. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
