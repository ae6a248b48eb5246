/**
 * Reconnect delay: exponential growth with "equal jitter" — half the window fixed, half random —
 * so a fleet of browsers that lost the server at the same moment does not come back in lockstep,
 * yet no retry comes sooner than half the exponential step. Capped (30 s by default).
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;

export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? BACKOFF_BASE_MS;
  const cap = opts.capMs ?? BACKOFF_CAP_MS;
  const random = opts.random ?? Math.random;
  const n = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  // 2 ** n overflows to Infinity for huge n; Math.min keeps it at the cap.
  const window = Math.min(cap, base * 2 ** Math.min(n, 30));
  const half = window / 2;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(Math.min(cap, half + r * half));
}
