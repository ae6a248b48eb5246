import { describe, expect, it } from "vitest";

import { filterParams } from "../api";
import type { Conversation } from "../types";
import { DEFAULT_FILTERS, inDefaultView, matchesFilters } from "./filters";

describe("the default view (Atender)", () => {
  const agent = { id: "u1", role: "agent", department_id: "d1" };
  const admin = { id: "a1", role: "admin", department_id: null };
  const queued: Conversation = { id: "q", status: "pending", department_id: "d1", assigned_user_id: null };
  const mine: Conversation = { id: "m", status: "open", department_id: "d1", assigned_user_id: "u1" };

  it("is where the inbox opens", () => {
    expect(DEFAULT_FILTERS.status).toBe("inbox");
    expect(filterParams(DEFAULT_FILTERS)).toEqual({ view: "inbox" });
    expect(filterParams({ ...DEFAULT_FILTERS, sort: "oldest", assignee: "me" })).toEqual({ view: "inbox", sort: "oldest" });
    expect(filterParams({ ...DEFAULT_FILTERS, status: "pending", assignee: "none" })).toEqual({
      status: "pending",
      assigned_user_id: "none",
    });
  });

  it("holds my queue's pending chats and my own open chats", () => {
    expect(inDefaultView(queued, agent)).toBe(true);
    expect(inDefaultView(mine, agent)).toBe(true);
    expect(inDefaultView({ ...mine, assigned_user_id: "u2" }, agent)).toBe(false);
    expect(inDefaultView({ ...queued, department_id: "d2" }, agent)).toBe(false);
    expect(inDefaultView({ ...mine, status: "closed" }, agent)).toBe(false);
    // an admin: every pending chat, and their own open ones only
    expect(inDefaultView({ ...queued, department_id: "d2" }, admin)).toBe(true);
    expect(inDefaultView(mine, admin)).toBe(false);
    expect(matchesFilters(queued, DEFAULT_FILTERS, agent)).toBe(true);
    expect(matchesFilters(queued, { ...DEFAULT_FILTERS, assignee: "me" }, agent)).toBe(true); // no owner filter here
    expect(matchesFilters({ ...queued, unread: 0 }, { ...DEFAULT_FILTERS, unread: true }, agent)).toBe(false);
  });
});
