import { describe, expect, it } from "vitest";

import { highlight } from "./search";

const marked = (text: string, terms: string[]) =>
  highlight(text, terms)
    .filter((p) => p.hit)
    .map((p) => p.text);

describe("highlight", () => {
  it("marks words that start with a term, ignoring accents and case", () => {
    expect(marked("O AÇAÍ da Avenida Paulista", ["acai", "paulis"])).toEqual(["AÇAÍ", "Paulis"]);
  });
  it("only matches at the start of a word", () => {
    expect(marked("cep 01310 e acep", ["cep"])).toEqual(["cep"]);
  });
  it("keeps the text whole", () => {
    const text = "Frete grátis para o CEP 01310-000";
    expect(highlight(text, ["gratis", "01310"]).map((p) => p.text).join("")).toBe(text);
    expect(highlight(text, []).length).toBe(1);
  });
});
