import { describe, expect, it } from "vitest";

import { rates } from "./RateCards";

describe("campaign rates", () => {
  it("are shares of the sends (failures of the attempts)", () => {
    const r = rates({ sent: 8, delivered: 6, read: 4, replied: 2, failed: 2, opted_out: 1 });
    expect(r).toEqual({ delivered: 0.75, read: 0.5, replied: 0.25, failed: 0.2, opted_out: 0.125 });
    expect(rates({}).delivered).toBeNull();
  });
});
