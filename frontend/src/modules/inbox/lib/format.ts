/** Pure helpers of the inbox: dates, day separators, ordering, unread. */
import type { Conversation, Message } from "../types";

const pad = (n: number) => String(n).padStart(2, "0");

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Hoje", "Ontem", or "12/03/2025" — the label of a day separator in the chat. */
export function dayLabel(value: string | null | undefined, now: Date = new Date()): string {
  const d = parseDate(value);
  if (!d) return "";
  const today = dayKey(now);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  const key = dayKey(d);
  if (key === today) return "Hoje";
  if (key === dayKey(yesterday)) return "Ontem";
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

export function sameDay(a: string | null | undefined, b: string | null | undefined): boolean {
  const da = parseDate(a);
  const db = parseDate(b);
  return !!da && !!db && dayKey(da) === dayKey(db);
}

export function timeOf(value: string | null | undefined): string {
  const d = parseDate(value);
  return d ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : "";
}

/** Time today, "Ontem", or the date — the list's activity column. */
export function listStamp(value: string | null | undefined, now: Date = new Date()): string {
  const label = dayLabel(value, now);
  return label === "Hoje" ? timeOf(value) : label;
}

export function unreadCount(c: Pick<Conversation, "unread">): number {
  if (typeof c.unread === "number") return c.unread;
  return c.unread ? 1 : 0;
}

export function messageTime(m: Message): string {
  return m.sent_at ?? m.created_at ?? "";
}

/**
 * Oldest first. WhatsApp timestamps have one-second resolution, so ties are broken by when the platform
 * stored the message (processing is ordered per conversation), then the server's sort key, then id.
 */
export function compareMessages(a: Message, b: Message): number {
  const ta = messageTime(a);
  const tb = messageTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ca = a.created_at ?? "";
  const cb = b.created_at ?? "";
  if (ca && cb && ca !== cb) return ca < cb ? -1 : 1;
  const ka = a.sk ?? a.id;
  const kb = b.sk ?? b.id;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Newest activity first. */
export function compareConversations(a: Conversation, b: Conversation): number {
  const ta = a.last_message_at ?? "";
  const tb = b.last_message_at ?? "";
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Merge messages by id (later copies win, keeping fields the newer copy lacks), sorted oldest first. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    const prev = byId.get(m.id);
    byId.set(m.id, prev ? { ...prev, ...m, status: pickStatus(prev.status, m.status) } : m);
  }
  return [...byId.values()].sort(compareMessages);
}

const STATUS_RANK: Record<string, number> = { pending: 0, unknown: 0, sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * Receipts may arrive out of order (a page fetched before a push): never move a tick backwards,
 * except to and from "failed" (a failure is final until the agent retries → "pending").
 */
export function pickStatus(prev: string | null | undefined, next: string | null | undefined): string | null {
  if (!next) return prev ?? null;
  if (!prev || next === "failed" || prev === "failed") return next;
  const a = STATUS_RANK[prev];
  const b = STATUS_RANK[next];
  if (a === undefined || b === undefined) return next;
  return b >= a ? next : prev;
}
