import { describe, expect, it } from "vitest";

import type { Pacing } from "./types";
import { waitingWindow } from "./window";

const pacing: Pacing = {
  min_delay_s: 10, max_delay_s: 30, window_start: "08:00", window_end: "20:00", weekdays: [0, 1, 2, 3, 4],
  daily_cap_per_number: 200,
};

describe("waiting for the sending window", () => {
  // 2026-12-03 is a Thursday; São Paulo is UTC-3
  it("inside the window: nothing to say", () => {
    expect(waitingWindow(pacing, new Date("2026-12-03T13:00:00Z"))).toBeNull();
  });
  it("before the window today", () => {
    expect(waitingWindow(pacing, new Date("2026-12-03T09:00:00Z"))).toBe("Aguardando janela — primeiro envio às 08:00");
  });
  it("after the window: tomorrow; on Friday night: Monday", () => {
    expect(waitingWindow(pacing, new Date("2026-12-03T23:30:00Z"))).toBe(
      "Aguardando janela — primeiro envio amanhã às 08:00");
    expect(waitingWindow(pacing, new Date("2026-12-05T01:00:00Z"))).toBe(
      "Aguardando janela — primeiro envio na segunda às 08:00");
  });
});
