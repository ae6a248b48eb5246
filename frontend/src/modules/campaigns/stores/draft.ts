/** The wizard's working copy of a campaign, its defaults and its checks (pure: no React). */
import type { Campaign, CampaignInput, Pacing, Variant } from "../types";

export interface Draft {
  name: string;
  variants: Variant[];
  tags: string[];
  contactIds: string[];
  /** Names of the explicitly picked contacts, for display. */
  contactLabels: Record<string, string>;
  instanceIds: string[];
  pacing: Pacing;
  replyWindowH: number;
  scheduleMode: "now" | "later";
  /** `datetime-local` value (the browser's time zone). */
  scheduleLocal: string;
}

export const DEFAULT_PACING: Pacing = {
  min_delay_s: 30,
  max_delay_s: 90,
  window_start: "08:00",
  window_end: "20:00",
  weekdays: [0, 1, 2, 3, 4, 5],
  daily_cap_per_number: 200,
};

export function emptyDraft(): Draft {
  return {
    name: "",
    variants: [{ text: "" }],
    tags: [],
    contactIds: [],
    contactLabels: {},
    instanceIds: [],
    pacing: { ...DEFAULT_PACING, weekdays: [...DEFAULT_PACING.weekdays] },
    replyWindowH: 72,
    scheduleMode: "now",
    scheduleLocal: "",
  };
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function draftFromCampaign(c: Campaign): Draft {
  return {
    name: c.name,
    variants: c.variants?.length ? c.variants.map((v) => ({ ...v })) : [{ text: "" }],
    tags: [...(c.audience?.tags ?? [])],
    contactIds: [...(c.audience?.contact_ids ?? [])],
    contactLabels: {},
    instanceIds: [...(c.instance_ids ?? [])],
    pacing: { ...DEFAULT_PACING, ...(c.pacing ?? {}) },
    replyWindowH: c.reply_window_h ?? 72,
    scheduleMode: c.schedule_at ? "later" : "now",
    scheduleLocal: c.schedule_at ? toLocalInput(c.schedule_at) : "",
  };
}

export function draftToInput(d: Draft): CampaignInput {
  return {
    name: d.name.trim(),
    variants: d.variants
      .filter((v) => v.text.trim() || v.media)
      .map((v) => (v.media ? { text: v.text, media: v.media } : { text: v.text })),
    audience: { tags: d.tags, contact_ids: d.contactIds },
    instance_ids: d.instanceIds,
    pacing: { ...d.pacing, weekdays: [...d.pacing.weekdays].sort((a, b) => a - b) },
    schedule_at: d.scheduleMode === "later" && d.scheduleLocal ? new Date(d.scheduleLocal).toISOString() : null,
    reply_window_h: d.replyWindowH,
  };
}

export const STEPS = ["Mensagem", "Público", "Números", "Ritmo", "Agendamento", "Revisão"] as const;

/** What is wrong with a step (pt-BR, shown to the person), or null when it can move on. */
export function stepProblem(step: number, d: Draft, now = Date.now()): string | null {
  switch (step) {
    case 0:
      if (!d.name.trim()) return "Dê um nome à campanha.";
      if (!d.variants.some((v) => v.text.trim() || v.media)) return "Escreva a mensagem.";
      if (d.variants.some((v) => !v.text.trim() && !v.media)) return "Há uma variação vazia: escreva-a ou remova-a.";
      return null;
    case 1:
      return d.tags.length || d.contactIds.length ? null : "Escolha ao menos uma etiqueta ou contato.";
    case 2:
      return d.instanceIds.length ? null : "Escolha ao menos um número conectado.";
    case 3: {
      const p = d.pacing;
      if (!(p.min_delay_s >= 0)) return "O intervalo mínimo não pode ser negativo.";
      if (!(p.max_delay_s >= p.min_delay_s)) return "O intervalo máximo deve ser maior ou igual ao mínimo.";
      // "00:00" as the end means "until midnight" (the API reads it the same way).
      if (!p.window_start || !p.window_end || (p.window_end !== "00:00" && p.window_start >= p.window_end))
        return "O horário de início deve ser anterior ao de término.";
      if (!p.weekdays.length) return "Escolha ao menos um dia da semana.";
      if (!(p.daily_cap_per_number >= 1)) return "O limite diário por número deve ser ao menos 1.";
      if (!(d.replyWindowH >= 1)) return "A janela de resposta deve ser de ao menos 1 hora.";
      return null;
    }
    case 4:
      if (d.scheduleMode === "now") return null;
      if (!d.scheduleLocal) return "Escolha a data e a hora do início.";
      if (new Date(d.scheduleLocal).getTime() <= now) return "A data de início deve estar no futuro.";
      return null;
    default:
      return null;
  }
}
