/** Pure helpers of the campaigns module: labels, progress, ETA, chart series, variables. */
import type { CampaignStatus, Counters, RecipientStatus, TimelineBucket } from "./types";

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: "Rascunho",
  scheduled: "Agendada",
  running: "Em andamento",
  paused: "Pausada",
  completed: "Concluída",
  cancelled: "Cancelada",
  failed: "Falhou",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as CampaignStatus] ?? status;
}

export const RECIPIENT_STATUS_LABELS: Record<RecipientStatus, string> = {
  pending: "Pendente",
  queued: "Na fila",
  sending: "Enviando",
  unknown: "Confirmando envio",
  sent: "Enviada",
  delivered: "Entregue",
  read: "Lida",
  replied: "Respondeu",
  failed: "Falhou",
  skipped: "Ignorada",
  opted_out: "Descadastrado",
};

export function recipientStatusLabel(status: string): string {
  return RECIPIENT_STATUS_LABELS[status as RecipientStatus] ?? status;
}

/** Campaigns that still move: the page polls and listens for these. */
export function isActive(status: string): boolean {
  return status === "running" || status === "scheduled";
}

export const WEEKDAYS = ["Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom"] as const;

export function counters(partial: Partial<Counters> | null | undefined): Counters {
  const c = partial ?? {};
  const n = (v: number | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return {
    total: n(c.total),
    pending: n(c.pending),
    queued: n(c.queued),
    sending: n(c.sending),
    unknown: n(c.unknown),
    sent: n(c.sent),
    delivered: n(c.delivered),
    read: n(c.read),
    replied: n(c.replied),
    failed: n(c.failed),
    skipped: n(c.skipped),
    opted_out: n(c.opted_out),
  };
}

/** How many recipients are settled, for "X de Y" (see progressPercent). */
export function settled(c: Counters, status?: string): number {
  return status === "completed" ? c.total : Math.max(0, c.total - inFlight(c));
}

/** Recipients not yet settled (waiting, queued, being sent or being reconciled). */
export function inFlight(c: Counters): number {
  return c.pending + c.queued + c.sending + c.unknown;
}

/** Recipients already handled (sent, failed or skipped) out of the total, 0..100. A completed campaign has
 * settled every recipient by definition (the API completes it only then), whatever a counter says. */
export function progressPercent(partial: Partial<Counters> | null | undefined, status?: string): number {
  const c = counters(partial);
  if (c.total <= 0) return 0;
  if (status === "completed") return 100;
  const open = inFlight(c);
  const done = Math.max(0, c.total - open);
  return Math.min(100, Math.round((done / c.total) * 100));
}

/** "≈ 3 min", "≈ 1 h 20 min", "menos de 1 min" — from an ISO time or seconds left. */
export function formatEta(eta: string | number | null | undefined, now = Date.now()): string | null {
  if (eta === null || eta === undefined || eta === "") return null;
  let seconds: number;
  if (typeof eta === "number") seconds = eta;
  else {
    const at = Date.parse(eta);
    if (Number.isNaN(at)) return null;
    seconds = (at - now) / 1000;
  }
  if (!Number.isFinite(seconds)) return null;
  if (seconds < 60) return "menos de 1 min";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `≈ ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `≈ ${hours} h ${rest} min` : `≈ ${hours} h`;
  return `≈ ${Math.round(hours / 24)} dias`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString("pt-BR", { dateStyle: "short", timeStyle: "short" });
}

export const SERIES = ["sent", "delivered", "read", "replied", "failed"] as const;
export type SeriesKey = (typeof SERIES)[number];

export const SERIES_LABELS: Record<SeriesKey, string> = {
  sent: "Enviadas",
  delivered: "Entregues",
  read: "Lidas",
  replied: "Respostas",
  failed: "Falhas",
};

export interface ChartPoint {
  t: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
}

/**
 * Cumulative series for the chart. Timeline buckets hold what happened inside each bucket (`bucketS` long);
 * the chart shows running totals at each bucket's end, so the lines only go up. `live` points (snapshots of
 * the campaign counters, already cumulative, from realtime events and polling) carry the detail of the bucket
 * still open; without them that bucket is drawn at `endAt` (now, or when the campaign ended). `startAt` (when
 * the run started) places the origin.
 */
export function chartSeries(
  buckets: TimelineBucket[],
  live: ChartPoint[] = [],
  bucketS = 60,
  endAt = Date.now(),
  startAt?: number,
): ChartPoint[] {
  const sorted = [...buckets]
    .map((b) => ({ ...b, t: Date.parse(b.at) }))
    .filter((b) => !Number.isNaN(b.t))
    .sort((a, b) => a.t - b.t);
  const out: ChartPoint[] = [];
  const acc = { sent: 0, delivered: 0, read: 0, replied: 0, failed: 0 };
  // The lines start at zero when the run started (inside the first bucket), else at that bucket's start.
  if (sorted.length) {
    const first = sorted[0].t;
    const origin = startAt !== undefined && startAt > first && startAt < first + bucketS * 1000 ? startAt : first;
    out.push({ t: origin, ...acc });
  }
  for (const b of sorted) {
    for (const k of SERIES) acc[k] += Number(b[k]) || 0;
    const end = b.t + bucketS * 1000;
    if (end <= endAt) out.push({ t: end, ...acc });
    else if (!live.some((p) => p.t > b.t)) out.push({ t: Math.max(b.t, endAt), ...acc });
  }
  for (const p of [...live].sort((a, b) => a.t - b.t)) {
    const prev = out[out.length - 1];
    if (prev && p.t < prev.t) continue;
    if (prev && p.t === prev.t) {
      for (const k of SERIES) prev[k] = Math.max(prev[k], p[k]);
      continue;
    }
    const point = { ...p };
    if (prev) for (const k of SERIES) point[k] = Math.max(point[k], prev[k]);
    out.push(point);
  }
  return out;
}

/** A chart point from campaign counters (the funnel counters are cumulative: a read message counts as sent). */
export function pointFromCounters(partial: Partial<Counters>, t = Date.now()): ChartPoint {
  const c = counters(partial);
  return { t, sent: c.sent, delivered: c.delivered, read: c.read, replied: c.replied, failed: c.failed };
}

/** The `{{variable}}` names used in a text. */
export function variablesIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([\p{L}\p{N}_.]+)\s*(?:\|[^}]*)?\}\}/gu)) names.add(m[1]);
  return [...names];
}
