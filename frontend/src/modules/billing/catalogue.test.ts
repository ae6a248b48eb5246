import { describe, expect, it } from "vitest";

import { formatLimit, offer, usageLevel, usagePercent, usageText, type CataloguePlan } from "./catalogue";

describe("usage", () => {
  it("shows used of limit, or unlimited", () => {
    expect(usageText({ used: 3, limit: 1000 })).toBe("3 de 1.000");
    expect(usageText({ used: 12, limit: null })).toBe("12 (ilimitado)");
    expect(formatLimit(null)).toBe("Ilimitado");
    expect(formatLimit(10000)).toBe("10.000");
  });

  it("fills the bar up to the limit and flags it", () => {
    expect(usagePercent({ used: 1, limit: 4 })).toBe(25);
    expect(usagePercent({ used: 9, limit: 4 })).toBe(100);
    expect(usagePercent({ used: 9, limit: null })).toBe(0);
    expect(usageLevel({ used: 1, limit: 1 })).toBe("full");
    expect(usageLevel({ used: 8, limit: 10 })).toBe("high");
    expect(usageLevel({ used: 1, limit: 10 })).toBe("ok");
    expect(usageLevel({ used: 99, limit: null })).toBe("ok");
  });
});

describe("offer", () => {
  const plan = { included: ["flow"], add_ons: ["api"] } as unknown as CataloguePlan;
  it("tells included, add-on and absent apart", () => {
    expect(offer(plan, "flow")).toBe("included");
    expect(offer(plan, "api")).toBe("add_on");
    expect(offer(plan, "sense")).toBe("none");
  });
});
