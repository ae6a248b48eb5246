import { describe, expect, it } from "vitest";

import { money, STATUS_LABELS } from "./types";

describe("billing labels", () => {
  it("shows cents as Brazilian reais", () => {
    expect(money(14800)).toBe("R$\u00a0148,00");
    expect(money(0)).toBe("R$\u00a00,00");
    expect(money(null)).toBe("—");
  });

  it("names every status Stripe can report in pt-BR", () => {
    for (const status of ["active", "past_due", "unpaid", "canceled", "incomplete", "trialing"]) {
      expect(STATUS_LABELS[status]).toBeTruthy();
    }
  });
});
