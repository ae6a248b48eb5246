import { describe, expect, it } from "vitest";

import { RETENTION_CHOICES, retentionLabel } from "./privacyApi";

describe("retentionLabel", () => {
  it("names every retention choice the API accepts, and keeping forever", () => {
    expect(RETENTION_CHOICES.map(retentionLabel)).toEqual(["30 dias", "90 dias", "180 dias", "1 ano", "2 anos"]);
    expect(retentionLabel(null)).toBe("Manter sempre");
  });
});
