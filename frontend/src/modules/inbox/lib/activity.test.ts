import { describe, expect, it } from "vitest";

import { activityLabel } from "./activity";

describe("activityLabel", () => {
  it("says nothing when nobody else is there", () => {
    expect(activityLabel([])).toBeNull();
  });

  it("names one viewer by first name", () => {
    expect(activityLabel([{ name: "Maria Souza", what: "viewing" }])).toEqual({ text: "Maria está vendo", typing: false });
  });

  it("prefers who is typing over who is only looking", () => {
    expect(
      activityLabel([
        { name: "Maria Souza", what: "viewing" },
        { name: "João Lima", what: "typing" },
      ]),
    ).toEqual({ text: "João está digitando…", typing: true });
  });

  it("joins two names and counts the rest", () => {
    expect(activityLabel([{ name: "Maria", what: "viewing" }, { name: "João", what: "viewing" }])?.text).toBe(
      "Maria e João estão vendo",
    );
    expect(
      activityLabel([
        { name: "Maria", what: "typing" },
        { name: "João", what: "typing" },
        { name: "Ana", what: "typing" },
      ])?.text,
    ).toBe("Maria e mais 2 estão digitando…");
  });
});
