import { describe, expect, it } from "vitest";

import type { Message } from "../types";
import { formatBytes, formatDuration, freshUrl } from "./media";

const base: Message = { id: "m1", conversation_id: "c1", direction: "in", kind: "image" };

describe("freshUrl", () => {
  const now = Date.parse("2026-12-02T12:00:00Z");
  it("uses the message's URL while it has life left", () => {
    const m = { ...base, media: { url: "https://s3/x", url_expires_at: "2026-12-02T12:05:00Z" } };
    expect(freshUrl(m, now)).toBe("https://s3/x");
  });
  it("asks a fresh one when it is about to expire or expired", () => {
    expect(freshUrl({ ...base, media: { url: "https://s3/x", url_expires_at: "2026-12-02T12:00:05Z" } }, now)).toBeNull();
    expect(freshUrl({ ...base, media: { url: "https://s3/x", url_expires_at: "2026-12-02T11:00:00Z" } }, now)).toBeNull();
  });
  it("has none without a URL", () => {
    expect(freshUrl({ ...base, media: { mimetype: "image/png" } }, now)).toBeNull();
    expect(freshUrl(base, now)).toBeNull();
  });
});

describe("formatBytes", () => {
  it("uses pt-BR units and decimals", () => {
    expect(formatBytes(120)).toBe("120 B");
    expect(formatBytes(2150)).toBe("2,1 KB");
    expect(formatBytes(830 * 1024)).toBe("830 KB");
    expect(formatBytes(1.25 * 1024 * 1024)).toBe("1,3 MB");
  });
  it("answers null for an unknown size", () => {
    expect(formatBytes(null)).toBeNull();
    expect(formatBytes(undefined)).toBeNull();
    expect(formatBytes(-1)).toBeNull();
  });
});

describe("formatDuration", () => {
  it("shows minutes and zero-padded seconds", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(7.9)).toBe("0:07");
    expect(formatDuration(65)).toBe("1:05");
  });
});
