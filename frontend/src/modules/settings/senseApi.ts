/** Sense settings (Configurações → Sense): GET/PUT /api/sense/settings, POST /api/sense/test. */
import { api } from "@/lib/api";

export type SenseAdapter = "builtin" | "http";

export interface SenseSettings {
  enabled: boolean;
  adapter: SenseAdapter;
  url: string | null;
  model: string | null;
  /** The endpoint's secret is write-only: the API only says whether one is stored. */
  has_secret: boolean;
  updated_at: string | null;
}

export interface SenseSettingsInput {
  enabled: boolean;
  adapter: SenseAdapter;
  url?: string | null;
  model?: string | null;
  secret?: string | null;
  clear_secret?: boolean;
}

export interface SenseTestResult {
  ok: boolean;
  text: string;
  label?: "pos" | "neu" | "neg";
  score?: number;
  topics?: string[];
  error?: string;
  ms: number;
}

export const senseApi = {
  async get() {
    return (await api.get<SenseSettings>("/sense/settings")).data;
  },
  async save(body: SenseSettingsInput) {
    return (await api.put<SenseSettings>("/sense/settings", body)).data;
  },
  async test(body: SenseSettingsInput & { text?: string }) {
    return (await api.post<SenseTestResult>("/sense/test", body)).data;
  },
};
