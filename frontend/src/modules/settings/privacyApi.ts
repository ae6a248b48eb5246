/** LGPD calls (Configurações → Privacidade, contact erasure). All go through the shared `api` client. */
import { api } from "@/lib/api";

export const RETENTION_CHOICES = [30, 90, 180, 365, 730] as const;

export interface Retention {
  messages_days: number | null;
  media_days: number | null;
  allowed_days: number[];
}

export interface ExportStatus {
  id: string;
  status: "pending" | "running" | "ready" | "failed";
  counts: Record<string, number> | null;
  created_at: string;
  finished_at: string | null;
  error: string | null;
  url: string | null;
  url_expires_in_s: number | null;
}

export interface TenantDeletion {
  scheduled_for: string | null;
  requested_at: string | null;
  message: string;
}

export interface ErasureResult {
  erased: boolean;
  conversations: number;
  files: number;
  campaign_recipients: number;
}

export const privacyApi = {
  getRetention: async (signal?: AbortSignal) => (await api.get<Retention>("/privacy/retention", { signal })).data,
  saveRetention: async (body: { messages_days: number | null; media_days: number | null }) =>
    (await api.put<Retention>("/privacy/retention", body)).data,
  requestExport: async () => (await api.post<ExportStatus>("/privacy/exports")).data,
  getExport: async (id: string) => (await api.get<ExportStatus>(`/privacy/exports/${id}`)).data,
  getDeletion: async (signal?: AbortSignal) =>
    (await api.get<TenantDeletion>("/privacy/tenant-deletion", { signal })).data,
  scheduleDeletion: async (confirm: string) =>
    (await api.post<TenantDeletion>("/privacy/tenant-deletion", { confirm })).data,
  cancelDeletion: async () => (await api.delete<TenantDeletion>("/privacy/tenant-deletion")).data,
  eraseContact: async (id: string) => (await api.post<ErasureResult>(`/contacts/${id}/erase`)).data,
};

/** "30 dias", "1 ano", "2 anos"; null → keep. */
export function retentionLabel(days: number | null): string {
  if (!days) return "Manter sempre";
  if (days % 365 === 0) return days === 365 ? "1 ano" : `${days / 365} anos`;
  return `${days} dias`;
}
