import { describe, expect, it } from "vitest";

import { addKeywords, keywordsError, normaliseKeyword, sameKeywords } from "./optOut";

describe("opt-out keywords", () => {
  it("normalises like the API: upper case, no accents, no punctuation", () => {
    expect(normaliseKeyword("  Chega! ")).toBe("CHEGA");
    expect(normaliseKeyword("não quero")).toBe("NAO QUERO");
    expect(normaliseKeyword("...")).toBe("");
  });

  it("adds the words typed, separated by commas, once each, keeping the order", () => {
    expect(addKeywords(["SAIR"], "chega, Parar; sair\nbasta,,")).toEqual(["SAIR", "CHEGA", "PARAR", "BASTA"]);
    expect(addKeywords(["SAIR"], " , ")).toEqual(["SAIR"]);
  });

  it("compares lists in order", () => {
    expect(sameKeywords(["A", "B"], ["A", "B"])).toBe(true);
    expect(sameKeywords(["A", "B"], ["B", "A"])).toBe(false);
    expect(sameKeywords(["A"], ["A", "B"])).toBe(false);
  });

  it("refuses what the API refuses", () => {
    expect(keywordsError([])).toBe("Informe ao menos uma palavra de descadastro.");
    expect(keywordsError(Array.from({ length: 21 }, (_, i) => `P${i}`))).toBe("No máximo 20 palavras de descadastro.");
    expect(keywordsError(["X".repeat(31)])).toBe("Cada palavra pode ter até 30 caracteres.");
    expect(keywordsError(["SAIR", "X".repeat(30)])).toBeNull();
  });
});
