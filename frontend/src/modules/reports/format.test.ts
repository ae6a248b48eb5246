import { describe, expect, it } from "vitest";

import { countTicks, duration, percent, shortDay } from "./format";

describe("reports format", () => {
  it("ticks of counts are whole numbers", () => {
    for (const max of [0, 1, 3, 5, 7, 13, 99, 1234]) {
      const ticks = countTicks(max);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
    }
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
  });

  it("durations and percentages", () => {
    expect(duration(360)).toBe("6 min");
    expect(duration(45)).toBe("45 s");
    expect(duration(7500)).toBe("2 h 05 min");
    expect(duration(null)).toBe("—");
    expect(percent(0.5)).toBe("50%");
    expect(percent(null)).toBe("—");
    expect(shortDay("2026-12-03")).toBe("03/12");
  });
});
