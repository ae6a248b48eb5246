/** Chart axes. */

/** Axis ticks for counts: whole numbers only, evenly spaced, the top one ≥ max (at most 5 ticks). */
export function countTicks(max: number): number[] {
  const top = Math.max(1, Math.ceil(max));
  if (top <= 4) return Array.from({ length: top + 1 }, (_, i) => i);
  const raw = top / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw && Number.isInteger(s)) ?? Math.ceil(raw);
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) {
    ticks.push(v);
    if (v >= top) break;
  }
  return ticks;
}
