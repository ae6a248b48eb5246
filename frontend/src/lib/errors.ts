/**
 * Turning API failures into one line of Portuguese for a toast.
 * Pure (no axios import at runtime) so it is unit-tested without a browser.
 */

export const NETWORK_ERROR_MESSAGE = "Sem conexão com o servidor";

/** Body shape of every error the ALREA API answers: {"error": code, "message": text}. */
export interface ApiErrorBody {
  error?: string;
  message?: string;
  /** FastAPI/pydantic validation errors, when a route answers with its default shape. */
  detail?: unknown;
}

/** The parts of an AxiosError this module reads (kept structural so tests need no axios). */
export interface ErrorLike {
  message?: string;
  code?: string;
  response?: { status: number; data?: unknown };
}

const STATUS_FALLBACK: Record<number, string> = {
  400: "Requisição inválida",
  401: "Sessão expirada. Entre novamente.",
  402: "Limite do seu plano atingido",
  403: "Você não tem permissão para esta ação",
  404: "Não encontrado",
  409: "Conflito: o registro já existe ou foi alterado",
  413: "Arquivo ou conteúdo grande demais",
  422: "Dados inválidos",
  429: "Muitas requisições. Tente novamente em instantes.",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function detailMessage(detail: unknown): string | null {
  if (typeof detail === "string" && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    const first: unknown = detail[0];
    if (isRecord(first) && typeof first.msg === "string") {
      const loc = Array.isArray(first.loc) ? first.loc.filter((p) => p !== "body").join(".") : "";
      return loc ? `${loc}: ${first.msg}` : first.msg;
    }
  }
  return null;
}

/** The error code of the body ({"error": "limit_reached"}), if any. */
export function apiErrorCode(err: ErrorLike): string | null {
  const data = err.response?.data;
  return isRecord(data) && typeof data.error === "string" ? data.error : null;
}

/** True when the request never got an HTTP answer (server down, DNS, CORS, offline). */
export function isNetworkError(err: ErrorLike): boolean {
  return !err.response && err.code !== "ERR_CANCELED";
}

/** One human sentence for an API failure. */
export function formatApiError(err: ErrorLike): string {
  const res = err.response;
  if (!res) return NETWORK_ERROR_MESSAGE;
  const data = res.data;
  if (isRecord(data)) {
    if (typeof data.message === "string" && data.message.trim()) return data.message.trim();
    const fromDetail = detailMessage(data.detail);
    if (fromDetail) return fromDetail;
  } else if (typeof data === "string" && data.trim() && data.length <= 200 && !data.trimStart().startsWith("<")) {
    return data.trim();
  }
  if (res.status >= 500) return "Erro no servidor. Tente novamente em instantes.";
  return STATUS_FALLBACK[res.status] ?? `Erro inesperado (${res.status})`;
}
