/**
 * The one HTTP client of the SPA. Every module calls the API through `api` so that auth,
 * token refresh and error toasts behave the same everywhere.
 *
 * - request: adds `Authorization: Bearer <access>` from the auth store;
 * - 401: refreshes ONCE (single-flight, shared by concurrent requests), retries the request,
 *   and ends the session if the server refuses the refresh;
 * - other failures: a sonner toast with the server's `message` ({"error", "message"}), or
 *   "Sem conexão com o servidor" when no answer came. Pass `skipErrorToast: true` to handle it yourself.
 */
import axios, { type AxiosError, type InternalAxiosRequestConfig } from "axios";
import { toast } from "sonner";

import { NETWORK_ERROR_MESSAGE, formatApiError, isNetworkError } from "./errors";

declare module "axios" {
  interface AxiosRequestConfig {
    /** The caller shows its own message for a failure of this request. */
    skipErrorToast?: boolean;
    /** Never try the refresh dance for this request (login, refresh, logout). */
    skipAuthRefresh?: boolean;
    /** Internal: this request was already retried after a refresh. */
    _retried?: boolean;
  }
}

export interface TokenPair {
  access: string;
  refresh: string;
}

/** How api.ts reaches the session without importing the store (the store imports api). */
export interface AuthBridge {
  getAccess(): string | null;
  getRefresh(): string | null;
  setTokens(tokens: TokenPair): void;
  /** The server refused our refresh token: drop the session (the router then shows /login). */
  endSession(): void;
}

let bridge: AuthBridge = {
  getAccess: () => null,
  getRefresh: () => null,
  setTokens: () => undefined,
  endSession: () => undefined,
};

export function setAuthBridge(next: AuthBridge): void {
  bridge = next;
}

export const API_BASE_URL = "/api";

export const api = axios.create({
  baseURL: API_BASE_URL,
  timeout: 20_000,
  headers: { "Content-Type": "application/json", Accept: "application/json" },
});

api.interceptors.request.use((config) => {
  const token = bridge.getAccess();
  if (token) config.headers.set("Authorization", `Bearer ${token}`);
  return config;
});

// ---- refresh (single-flight) -------------------------------------------------------------

let inflightRefresh: Promise<string> | null = null;

/** Exchange the refresh token for a new pair. Concurrent callers share one request. */
export function refreshAccess(): Promise<string> {
  inflightRefresh ??= (async () => {
    const refresh = bridge.getRefresh();
    if (!refresh) throw new Error("no refresh token");
    // A bare axios call: it must not go through our interceptors (no loop, no toast).
    const { data } = await axios.post<TokenPair>(
      `${API_BASE_URL}/auth/refresh`,
      { refresh },
      { timeout: 15_000, headers: { "Content-Type": "application/json" } },
    );
    if (!data?.access) throw new Error("refresh answered without an access token");
    bridge.setTokens({ access: data.access, refresh: data.refresh ?? refresh });
    return data.access;
  })().finally(() => {
    inflightRefresh = null;
  });
  return inflightRefresh;
}

function notifyOnce(message: string, id = message): void {
  // The id makes repeated failures (polling while the server is down) update one toast.
  toast.error(message, { id });
}

function expireSession(): void {
  const hadSession = bridge.getAccess() !== null || bridge.getRefresh() !== null;
  bridge.endSession();
  if (hadSession) notifyOnce("Sessão expirada. Entre novamente.", "session-expired");
}

/** What to do when refreshing failed: a network blip keeps the session, a refusal ends it. */
function onRefreshFailure(err: unknown): void {
  if (axios.isAxiosError(err) && isNetworkError(err)) {
    notifyOnce(NETWORK_ERROR_MESSAGE, "network");
    return;
  }
  expireSession();
}

/** Seconds until the JWT's `exp`, or null when it can't be read (opaque token). */
export function secondsToExpiry(token: string, nowMs = Date.now()): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp - nowMs / 1000 : null;
  } catch {
    return null;
  }
}

/**
 * A usable access token for a connection that can't answer 401 (the WebSocket handshake):
 * refreshes first when the current one expires within `marginS` seconds.
 */
export async function ensureFreshAccess(marginS = 30): Promise<string | null> {
  const access = bridge.getAccess();
  if (!access) return null;
  const left = secondsToExpiry(access);
  if (left === null || left > marginS || !bridge.getRefresh()) return access;
  try {
    return await refreshAccess();
  } catch (err) {
    onRefreshFailure(err);
    return bridge.getAccess();
  }
}

function bearerOf(config: InternalAxiosRequestConfig): string | null {
  const value = config.headers.get("Authorization");
  return typeof value === "string" && value.startsWith("Bearer ") ? value.slice(7) : null;
}

api.interceptors.response.use(
  (response) => response,
  async (error: unknown) => {
    if (!axios.isAxiosError(error) || axios.isCancel(error)) throw error;
    const err = error as AxiosError;
    const config = err.config;
    const status = err.response?.status;

    if (status === 401 && config && !config.skipAuthRefresh) {
      if (config._retried || !bridge.getRefresh()) {
        expireSession();
        throw err;
      }
      config._retried = true;
      const sentWith = bearerOf(config);
      const current = bridge.getAccess();
      // Someone already refreshed while this request was in flight: just retry with the new token.
      if (!(current && sentWith && current !== sentWith)) {
        try {
          await refreshAccess();
        } catch (refreshError) {
          onRefreshFailure(refreshError);
          throw err;
        }
      }
      return api.request(config);
    }

    if (!config?.skipErrorToast) {
      if (isNetworkError(err)) notifyOnce(NETWORK_ERROR_MESSAGE, "network");
      else notifyOnce(formatApiError(err));
    }
    throw err;
  },
);

// ---- helpers -----------------------------------------------------------------------------

/** Lists come as {"items": [...]} — or, from some routes, a plain array. One place to accept both. */
export function normalizeItems<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === "object") {
    const items = (data as { items?: unknown }).items;
    if (Array.isArray(items)) return items as T[];
  }
  return [];
}

/** GET a list endpoint and normalise its answer. */
export async function getItems<T>(url: string, signal?: AbortSignal): Promise<T[]> {
  const { data } = await api.get<unknown>(url, { signal });
  return normalizeItems<T>(data);
}

export { formatApiError };
