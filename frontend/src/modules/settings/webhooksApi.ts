/** Outbound webhooks (Configurações → Webhooks). All go through the shared `api` client. */
import { api } from "@/lib/api";

export type DeliveryStatus = "pending" | "succeeded" | "failed";

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  created_at: string;
  created_by: string;
  /** First failed attempt since the last success; after 24 h of failures the endpoint is disabled. */
  failing_since: string | null;
  disabled_reason: string | null;
  disabled_at: string | null;
}

export interface CreatedWebhook extends WebhookEndpoint {
  /** The signing secret, shown once right after creation. */
  secret: string;
}

export interface WebhookAttempt {
  at: string;
  status_code: number | null;
  latency_ms: number;
  response: string;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  webhook_id: string;
  event_id: string;
  type: string;
  created_at: string;
  status: DeliveryStatus;
  next_attempt_at: string | null;
  replay_of: string | null;
  payload: string;
  attempts: WebhookAttempt[];
}

export interface EventOption {
  type: string;
  label: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: "Pendente",
  succeeded: "Entregue",
  failed: "Falhou",
};

export const webhooksApi = {
  list: async (signal?: AbortSignal) => (await api.get<Page<WebhookEndpoint>>("/webhooks", { signal })).data.items,
  events: async (signal?: AbortSignal) => (await api.get<Page<EventOption>>("/webhooks/events", { signal })).data.items,
  create: async (url: string, events: string[]) => (await api.post<CreatedWebhook>("/webhooks", { url, events })).data,
  setEnabled: async (id: string, enabled: boolean) =>
    (await api.patch<WebhookEndpoint>(`/webhooks/${id}`, { enabled })).data,
  remove: async (id: string) => {
    await api.delete(`/webhooks/${id}`);
  },
  deliveries: async (id: string, status: DeliveryStatus | null, cursor: string | null, signal?: AbortSignal) =>
    (
      await api.get<Page<WebhookDelivery>>(`/webhooks/${id}/deliveries`, {
        params: { ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
        signal,
      })
    ).data,
  replay: async (id: string, deliveryId: string) =>
    (await api.post<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/replay`)).data,
};
