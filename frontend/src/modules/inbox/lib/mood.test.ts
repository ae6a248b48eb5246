import { describe, expect, it } from "vitest";

import type { Conversation } from "../types";
import { DEFAULT_FILTERS, matchesFilters } from "./filters";
import { isMood, moodLabel } from "./mood";

describe("mood", () => {
  it("labels the three moods in Portuguese", () => {
    expect(moodLabel("neg")).toBe("Insatisfeito");
    expect(isMood("pos")).toBe(true);
    expect(isMood("angry")).toBe(false);
  });

  it("the 'clientes insatisfeitos' filter keeps only negative conversations", () => {
    const admin = { id: "u", role: "admin" };
    const base: Conversation = { id: "c", status: "pending", department_id: "d", assigned_user_id: null };
    const filters = { ...DEFAULT_FILTERS, status: "pending" as const, mood: "neg" as const };
    expect(matchesFilters({ ...base, mood: "neg" }, filters, admin)).toBe(true);
    expect(matchesFilters({ ...base, mood: "pos" }, filters, admin)).toBe(false);
    expect(matchesFilters(base, filters, admin)).toBe(false);
  });
});
