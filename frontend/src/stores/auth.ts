/**
 * The session: tokens, the signed-in user and their tenant. Persisted to localStorage so a reload
 * keeps the user signed in; other tabs pick up rotated tokens through the `storage` event.
 */
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

import { api, setAuthBridge, type TokenPair } from "@/lib/api";
import type { MeResponse, Tenant, User } from "@/modules/auth/types";
import type { BillingStatus } from "@/modules/billing/types";

export const AUTH_STORAGE_KEY = "alrea-auth";

interface AuthState {
  access: string | null;
  refresh: string | null;
  user: User | null;
  tenant: Tenant | null;
  /** /api/me's billing block: status, read-only, the past-due banner. */
  billing: BillingStatus | null;
  login(email: string, password: string): Promise<void>;
  /** Sign in with tokens another call answered (sign-up, an accepted invitation, a password change). */
  startSession(tokens: TokenPair): Promise<void>;
  logout(): Promise<void>;
  loadMe(): Promise<void>;
  setTokens(tokens: TokenPair): void;
  clear(): void;
}

export const useAuth = create<AuthState>()(
  persist(
    (set, get) => ({
      access: null,
      refresh: null,
      user: null,
      tenant: null,
      billing: null,

      async login(email, password) {
        const { data } = await api.post<TokenPair>(
          "/auth/login",
          { email: email.trim(), password },
          { skipAuthRefresh: true },
        );
        await get().startSession(data);
      },

      async startSession(tokens) {
        set({ access: tokens.access, refresh: tokens.refresh, user: null, tenant: null });
        try {
          await get().loadMe();
        } catch (err) {
          get().clear();
          throw err;
        }
      },

      async logout() {
        const { access, refresh } = get();
        get().clear();
        if (!refresh) return;
        // Best effort: the session is already gone on this side whatever the server answers.
        await api
          .post("/auth/logout", { refresh }, {
            skipAuthRefresh: true,
            skipErrorToast: true,
            timeout: 5_000,
            headers: access ? { Authorization: `Bearer ${access}` } : {},
          })
          .catch(() => undefined);
      },

      async loadMe() {
        const { data } = await api.get<MeResponse>("/me");
        set({ user: data.user, tenant: data.tenant, billing: data.billing ?? null });
      },

      setTokens(tokens) {
        set({ access: tokens.access, refresh: tokens.refresh });
      },

      clear() {
        set({ access: null, refresh: null, user: null, tenant: null, billing: null });
      },
    }),
    {
      name: AUTH_STORAGE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ access: s.access, refresh: s.refresh, user: s.user, tenant: s.tenant }),
    },
  ),
);

setAuthBridge({
  getAccess: () => useAuth.getState().access,
  getRefresh: () => useAuth.getState().refresh,
  setTokens: (tokens) => useAuth.getState().setTokens(tokens),
  endSession: () => useAuth.getState().clear(),
});

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === AUTH_STORAGE_KEY) void useAuth.persist.rehydrate();
  });
}

export const useIsAdmin = (): boolean => useAuth((s) => s.user?.role === "admin");
