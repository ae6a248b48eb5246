import { describe, expect, it } from "vitest";

import { BACKOFF_CAP_MS, backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("grows exponentially between half and the full window", () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { random: () => 0.999999 })).toBe(1000);
    expect(backoffDelay(3, { random: () => 0 })).toBe(4000);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(6000);
  });

  it("never exceeds the 30 s cap, even for huge attempt counts", () => {
    for (const attempt of [5, 10, 50, 1_000, Number.MAX_SAFE_INTEGER]) {
      const hi = backoffDelay(attempt, { random: () => 0.9999999 });
      const lo = backoffDelay(attempt, { random: () => 0 });
      expect(hi).toBeLessThanOrEqual(BACKOFF_CAP_MS);
      expect(lo).toBeGreaterThanOrEqual(BACKOFF_CAP_MS / 2);
    }
  });

  it("jitters: different random draws give different delays", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) seen.add(backoffDelay(4, { random: () => i / 10 }));
    expect(seen.size).toBe(10);
  });

  it("treats negative or non-finite attempts as the first one", () => {
    expect(backoffDelay(-3, { random: () => 0 })).toBe(500);
    expect(backoffDelay(Number.NaN, { random: () => 0 })).toBe(500);
  });

  it("honours custom base and cap", () => {
    expect(backoffDelay(2, { baseMs: 100, capMs: 250, random: () => 1 })).toBe(250);
  });
});
