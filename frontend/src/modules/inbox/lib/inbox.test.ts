import { describe, expect, it } from "vitest";

import type { Conversation, Message } from "../types";
import { DEFAULT_FILTERS, matchesFilters, visibleTo } from "./filters";
import { dayLabel, mergeMessages, pickStatus } from "./format";

const msg = (id: string, sent_at: string, status = "pending"): Message => ({
  id,
  conversation_id: "c1",
  direction: "out",
  kind: "text",
  text: id,
  sent_at,
  status,
});

describe("inbox helpers", () => {
  it("labels days as Hoje, Ontem or the date", () => {
    const now = new Date(2025, 2, 12, 15, 0);
    expect(dayLabel(new Date(2025, 2, 12, 8, 0).toISOString(), now)).toBe("Hoje");
    expect(dayLabel(new Date(2025, 2, 11, 23, 0).toISOString(), now)).toBe("Ontem");
    expect(dayLabel(new Date(2025, 0, 5, 12, 0).toISOString(), now)).toBe("05/01/2025");
  });

  it("merges pages and pushes by id, oldest first, never moving a tick backwards", () => {
    const a = msg("a", "2025-03-12T10:00:00Z", "read");
    const b = msg("b", "2025-03-12T10:01:00Z");
    const merged = mergeMessages([b], [a, { ...a, status: "delivered" }, b]);
    expect(merged.map((m) => m.id)).toEqual(["a", "b"]);
    expect(merged[0]?.status).toBe("read");
    expect(pickStatus("delivered", "sent")).toBe("delivered");
    expect(pickStatus("sent", "failed")).toBe("failed");
    expect(pickStatus("failed", "pending")).toBe("pending");
  });

  it("keeps a conversation in the list only when the filters and the role scope allow it", () => {
    const agent = { id: "u1", role: "agent", department_id: "d1" };
    const OPEN = { ...DEFAULT_FILTERS, status: "open" as const };
    const c: Conversation = { id: "c", status: "open", department_id: "d1", assigned_user_id: null, unread: 2 };
    expect(matchesFilters(c, OPEN, agent)).toBe(true);
    expect(matchesFilters({ ...c, department_id: "d2" }, OPEN, agent)).toBe(false);
    expect(visibleTo({ ...c, assigned_user_id: "u2" }, agent)).toBe(false);
    expect(matchesFilters(c, { ...OPEN, assignee: "me" }, agent)).toBe(false);
    expect(matchesFilters(c, { ...OPEN, status: "closed" }, agent)).toBe(false);
    expect(matchesFilters({ ...c, contact_name: "Maria", phone: "+5511999" }, { ...OPEN, q: "11999" }, agent)).toBe(true);
  });
});
