import { describe, expect, it } from "vitest";

import { NETWORK_ERROR_MESSAGE, apiErrorCode, formatApiError, isNetworkError } from "./errors";

describe("formatApiError", () => {
  it("uses the server's message from {error, message}", () => {
    const err = { response: { status: 409, data: { error: "email_taken", message: "E-mail já cadastrado" } } };
    expect(formatApiError(err)).toBe("E-mail já cadastrado");
    expect(apiErrorCode(err)).toBe("email_taken");
  });

  it("reports a missing response as a network failure", () => {
    const err = { message: "Network Error", code: "ERR_NETWORK" };
    expect(formatApiError(err)).toBe(NETWORK_ERROR_MESSAGE);
    expect(isNetworkError(err)).toBe(true);
    expect(isNetworkError({ code: "ERR_CANCELED" })).toBe(false);
  });

  it("falls back to a Portuguese sentence per status when the body has no message", () => {
    expect(formatApiError({ response: { status: 402, data: { error: "plan_limit" } } })).toBe(
      "Limite do seu plano atingido",
    );
    expect(formatApiError({ response: { status: 403, data: "" } })).toBe("Você não tem permissão para esta ação");
    expect(formatApiError({ response: { status: 502, data: "<html>Bad gateway</html>" } })).toBe(
      "Erro no servidor. Tente novamente em instantes.",
    );
    expect(formatApiError({ response: { status: 418 } })).toBe("Erro inesperado (418)");
  });

  it("reads FastAPI validation details when no message is given", () => {
    const err = {
      response: { status: 422, data: { detail: [{ loc: ["body", "email"], msg: "value is not a valid email" }] } },
    };
    expect(formatApiError(err)).toBe("email: value is not a valid email");
    expect(formatApiError({ response: { status: 404, data: { detail: "Not Found" } } })).toBe("Not Found");
  });

  it("ignores a blank message", () => {
    expect(formatApiError({ response: { status: 409, data: { error: "x", message: "   " } } })).toBe(
      "Conflito: o registro já existe ou foi alterado",
    );
    expect(apiErrorCode({ response: { status: 500, data: "oops" } })).toBeNull();
  });
});
