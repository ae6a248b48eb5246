/** The waiting timer of a chat: how long the customer has waited, and how worried the list should look. */
export type WaitLevel = "ok" | "warn" | "alert";

export function waitMinutes(since: string | null | undefined, now: number = Date.now()): number | null {
  if (!since) return null;
  const at = Date.parse(since);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.floor((now - at) / 60_000));
}

/** "agora", "há 5 min", "há 2 h", "há 2 h 5 min", "há 3 d". */
export function waitLabel(minutes: number): string {
  if (minutes < 1) return "agora";
  if (minutes < 60) return `há ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `há ${hours} h ${rest} min` : `há ${hours} h`;
  }
  return `há ${Math.floor(hours / 24)} d`;
}

export function waitLevel(minutes: number, warnMinutes: number, alertMinutes: number): WaitLevel {
  if (minutes >= alertMinutes) return "alert";
  if (minutes >= warnMinutes) return "warn";
  return "ok";
}

/** "(3) ALREA Flow" while something is unread, the plain title otherwise. */
export function titleWithCount(base: string, unread: number): string {
  if (unread <= 0) return base;
  return `(${unread > 99 ? "99+" : unread}) ${base}`;
}
