import { describe, expect, it } from "vitest";

import { mergeNotifications, relativeTime } from "./format";
import { badgeText, kindsFor, type AppNotification } from "./types";

const n = (id: string, unread = true): AppNotification => ({
  id,
  kind: "assigned",
  title: "Nova conversa para você",
  body: "…",
  link: null,
  data: {},
  created_at: "2026-12-02T10:00:00.000Z",
  read_at: unread ? null : "2026-12-02T10:01:00.000Z",
  unread,
});

describe("notifications", () => {
  it("merges pushes and pages newest first without duplicates", () => {
    const a = "0190a000-0000-7000-8000-000000000001";
    const b = "0190a000-0001-7000-8000-000000000001";
    const c = "0190a000-0002-7000-8000-000000000001";
    const merged = mergeNotifications([n(a), n(c)], [n(b), n(a, false)]);
    expect(merged.map((x) => x.id)).toEqual([c, b, a]);
    expect(merged[2].unread).toBe(false);
  });

  it("caps the bell at 99+", () => {
    expect(badgeText(7)).toBe("7");
    expect(badgeText(99)).toBe("99");
    expect(badgeText(100)).toBe("99+");
  });

  it("offers each role only the kinds it can receive", () => {
    expect(kindsFor("admin")).toContain("number_disconnected");
    expect(kindsFor("manager")).toContain("campaign_paused");
    expect(kindsFor("manager")).not.toContain("number_disconnected");
    expect(kindsFor("agent")).toEqual(["assigned", "mention", "import_finished"]);
  });

  it("says when in pt-BR", () => {
    const now = new Date("2026-12-02T12:00:00.000Z");
    expect(relativeTime("2026-12-02T11:59:30.000Z", now)).toBe("agora");
    expect(relativeTime("2026-12-02T11:55:00.000Z", now)).toBe("há 5 min");
    expect(relativeTime("2026-12-02T09:00:00.000Z", now)).toBe("há 3 h");
    expect(relativeTime("2026-12-01T12:00:00.000Z", now)).toBe("ontem");
    expect(relativeTime("2026-11-28T12:00:00.000Z", now)).toBe("há 4 dias");
  });
});
