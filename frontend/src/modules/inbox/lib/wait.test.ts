import { describe, expect, it } from "vitest";

import { titleWithCount, waitLabel, waitLevel, waitMinutes } from "./wait";

describe("waiting timer", () => {
  const now = Date.parse("2026-01-10T12:00:00.000Z");

  it("counts whole minutes since the first unanswered message", () => {
    expect(waitMinutes("2026-01-10T11:55:30.000Z", now)).toBe(4);
    expect(waitMinutes("2026-01-10T12:00:10.000Z", now)).toBe(0);
    expect(waitMinutes(null, now)).toBeNull();
    expect(waitMinutes("não é data", now)).toBeNull();
  });

  it("speaks Portuguese", () => {
    expect(waitLabel(0)).toBe("agora");
    expect(waitLabel(5)).toBe("há 5 min");
    expect(waitLabel(120)).toBe("há 2 h");
    expect(waitLabel(125)).toBe("há 2 h 5 min");
    expect(waitLabel(60 * 24 * 3 + 7)).toBe("há 3 d");
  });

  it("turns amber, then red, at the admin's thresholds", () => {
    expect(waitLevel(4, 5, 15)).toBe("ok");
    expect(waitLevel(5, 5, 15)).toBe("warn");
    expect(waitLevel(14, 5, 15)).toBe("warn");
    expect(waitLevel(15, 5, 15)).toBe("alert");
  });

  it("puts the unread count in the tab title", () => {
    expect(titleWithCount("ALREA Flow", 0)).toBe("ALREA Flow");
    expect(titleWithCount("ALREA Flow", 3)).toBe("(3) ALREA Flow");
    expect(titleWithCount("ALREA Flow", 120)).toBe("(99+) ALREA Flow");
  });
});
