import { describe, expect, it } from "vitest";

import { fieldNameError, fieldTypeLabel, toFieldName } from "./fields";

describe("custom field names", () => {
  it("turns what a person types into the API's form", () => {
    expect(toFieldName("Cidade")).toBe("cidade");
    expect(toFieldName("Data de Aniversário")).toBe("data_de_aniversario");
    expect(toFieldName("código-cliente")).toBe("codigo_cliente");
  });

  it("accepts the names the API accepts", () => {
    for (const name of ["cidade", "plano_2", "a", "x".repeat(40)]) expect(fieldNameError(name)).toBeNull();
    expect(fieldNameError("")).toBeNull(); // nothing typed yet: nothing to explain
  });

  it("explains why a name would be refused", () => {
    expect(fieldNameError("2cidade")).toBe("Comece o nome com uma letra.");
    expect(fieldNameError("_cidade")).toBe("Comece o nome com uma letra.");
    expect(fieldNameError("x".repeat(41))).toBe("Use no máximo 40 caracteres.");
    expect(fieldNameError("cidade!")).toBe("Use apenas letras minúsculas sem acento, números e _.");
    expect(fieldNameError("Cidade")).toBe("Use apenas letras minúsculas sem acento, números e _.");
  });

  it("labels the types in Portuguese", () => {
    expect([fieldTypeLabel("text"), fieldTypeLabel("number"), fieldTypeLabel("date")]).toEqual([
      "Texto",
      "Número",
      "Data",
    ]);
    expect(fieldTypeLabel("other")).toBe("other");
  });
});
