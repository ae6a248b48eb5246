/** "Aguardando janela": a running campaign outside its sending window (pacing: days and hours in the tenant's
 * time zone) waits for the next one; the detail page says when the next send is. */
import type { Pacing } from "./types";

const DAYS = ["segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"];
const DEFAULT_TZ = "America/Sao_Paulo";

function localParts(now: Date, timeZone: string): { weekday: number; hhmm: string } {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday"));
  return { weekday, hhmm: `${get("hour")}:${get("minute")}` };
}

/** null inside the window; otherwise "Aguardando janela — primeiro envio às 08:00" (or "… amanhã às", "… na
 * segunda às"). */
export function waitingWindow(pacing: Pacing | null | undefined, now: Date, timeZone = DEFAULT_TZ): string | null {
  if (!pacing?.window_start || !pacing.weekdays?.length) return null;
  const { weekday, hhmm } = localParts(now, timeZone);
  const start = pacing.window_start;
  const end = pacing.window_end === "00:00" ? "24:00" : pacing.window_end;
  const today = pacing.weekdays.includes(weekday);
  if (today && hhmm >= start && hhmm < end) return null;
  if (today && hhmm < start) return `Aguardando janela — primeiro envio às ${start}`;
  for (let d = 1; d <= 7; d++) {
    const day = (weekday + d) % 7;
    if (pacing.weekdays.includes(day)) {
      const when = d === 1 ? "amanhã" : day >= 5 ? `no ${DAYS[day]}` : `na ${DAYS[day]}`;
      return `Aguardando janela — primeiro envio ${when} às ${start}`;
    }
  }
  return null;
}
