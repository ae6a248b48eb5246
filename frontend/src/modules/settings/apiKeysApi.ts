/** Partner API keys (Configurações → API). All go through the shared `api` client. */
import { api } from "@/lib/api";

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  prefix: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  /** Shown once, right after creation; the server keeps only its hash. */
  secret: string;
}

export interface ScopeOption {
  scope: string;
  label: string;
}

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const apiKeysApi = {
  list: async (signal?: AbortSignal) => (await api.get<Page<ApiKey>>("/api-keys", { signal })).data.items,
  scopes: async (signal?: AbortSignal) => (await api.get<Page<ScopeOption>>("/api-keys/scopes", { signal })).data.items,
  create: async (name: string, scopes: string[]) => (await api.post<CreatedApiKey>("/api-keys", { name, scopes })).data,
  revoke: async (id: string) => {
    await api.delete(`/api-keys/${id}`);
  },
};
