import { describe, expect, it } from "vitest";

import { linkToken } from "./api";

describe("linkToken", () => {
  it("reads the token of an e-mailed link", () => {
    expect(linkToken("?token=abc_DEF-123")).toBe("abc_DEF-123");
    expect(linkToken("?x=1&token=%20t1%20")).toBe("t1");
  });

  it("is empty when the link lost its token", () => {
    expect(linkToken("")).toBe("");
    expect(linkToken("?tok=1")).toBe("");
  });
});
