import { describe, expect, it } from "vitest";

import { hasProduct } from "./useUserAccess";

describe("hasProduct", () => {
  it("answers from /api/me products, and lets the server decide while they are unknown", () => {
    expect(hasProduct(["flow", "notifications"], "flow")).toBe(true);
    expect(hasProduct(["flow", "notifications"], "api")).toBe(false);
    expect(hasProduct([], "flow")).toBe(false);
    expect(hasProduct(null, "sense")).toBe(true);
  });
});
