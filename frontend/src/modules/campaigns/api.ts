/** Calls of the campaigns module. All go through the shared `api` client (auth, refresh, toasts). */
import { api, getItems, normalizeItems } from "@/lib/api";

import type {
  Campaign,
  CampaignInput,
  ContactLite,
  InstanceLite,
  MediaUpload,
  NumberWarmup,
  PreviewResult,
  Recipient,
  RecipientsPage,
  TagCount,
  TimelineBucket,
  Variant,
} from "./types";

/** Bucket times without a zone ("2030-01-01T10:01") are UTC: say so, or the browser reads them as local. */
export function utcTime(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)
    ? `${value.length === 16 ? `${value}:00` : value}Z`
    : value;
}

export type CampaignAction = "start" | "pause" | "resume" | "cancel";

export const campaignsApi = {
  list: (signal?: AbortSignal) => getItems<Campaign>("/campaigns", signal),
  get: async (id: string, signal?: AbortSignal) => (await api.get<Campaign>(`/campaigns/${id}`, { signal })).data,
  create: async (body: CampaignInput) => (await api.post<Campaign>("/campaigns", body)).data,
  duplicate: async (id: string) => (await api.post<Campaign>(`/campaigns/${id}/duplicate`)).data,
  update: async (id: string, body: Partial<CampaignInput>) =>
    (await api.patch<Campaign>(`/campaigns/${id}`, body)).data,
  remove: async (id: string) => {
    await api.delete(`/campaigns/${id}`);
  },
  act: async (id: string, action: CampaignAction) =>
    (await api.post<Campaign>(`/campaigns/${id}/${action}`)).data,

  recipients: async (id: string, status: string | null, cursor: string | null, signal?: AbortSignal) => {
    const params: Record<string, string> = {};
    if (status) params.status = status;
    if (cursor) params.cursor = cursor;
    const { data } = await api.get<unknown>(`/campaigns/${id}/recipients`, { params, signal });
    const next = ((data ?? {}) as { next_cursor?: unknown }).next_cursor;
    const items = normalizeItems<Recipient & { error?: string | null }>(data).map((r) => ({
      ...r,
      failure_reason: r.failure_reason ?? r.error ?? null,
    }));
    return { items, next_cursor: typeof next === "string" && next ? next : null } as RecipientsPage;
  },
  timeline: async (id: string, signal?: AbortSignal) => {
    const { data } = await api.get<unknown>(`/campaigns/${id}/timeline`, { signal });
    const bucketS = Number((data as { bucket_s?: unknown } | null)?.bucket_s) || 60;
    const buckets = (data as { buckets?: unknown } | null)?.buckets;
    const raw = (Array.isArray(buckets) ? buckets : normalizeItems(data)) as (Partial<TimelineBucket> & {
      minute?: string;
    })[];
    const list = raw.map((b) => ({
      at: utcTime(b.at ?? b.minute ?? ""),
      sent: Number(b.sent) || 0,
      delivered: Number(b.delivered) || 0,
      read: Number(b.read) || 0,
      replied: Number(b.replied) || 0,
      failed: Number(b.failed) || 0,
    })) as TimelineBucket[];
    return { buckets: list, bucketS };
  },
  exportCsv: async (id: string): Promise<Blob> =>
    (await api.get<Blob>(`/campaigns/${id}/export.csv`, { responseType: "blob" })).data,

  preview: async (variants: Variant[], contactId: string) =>
    (
      await api.post<PreviewResult>(
        "/campaigns/preview",
        { variants, contact_id: contactId },
        { skipErrorToast: true },
      )
    ).data,
  audienceCount: async (tags: string[], contactIds: string[], signal?: AbortSignal) => {
    const params: Record<string, string> = {};
    if (tags.length) params.tags = tags.join(",");
    if (contactIds.length) params.contact_ids = contactIds.join(",");
    const { data } = await api.get<{ count?: number }>("/campaigns/audience-count", {
      params,
      signal,
      skipErrorToast: true,
    });
    return typeof data?.count === "number" ? data.count : 0;
  },

  tags: async (signal?: AbortSignal) => {
    const { data } = await api.get<unknown>("/contacts/tags", { signal, skipErrorToast: true });
    return normalizeItems<TagCount | string>(data).map((t) =>
      typeof t === "string" ? { tag: t, count: 0 } : t,
    );
  },
  searchContacts: async (q: string, signal?: AbortSignal, tag?: string) => {
    const params: Record<string, string> = {};
    if (q) params.q = q;
    if (tag) params.tag = tag;
    const { data } = await api.get<unknown>("/contacts", { params, signal, skipErrorToast: true });
    return normalizeItems<ContactLite>(data);
  },
  /** Custom contact fields (usable as {{variables}}); [] when the tenant has none or the route is absent. */
  contactFields: async (signal?: AbortSignal) => {
    try {
      const { data } = await api.get<unknown>("/contacts/fields", { signal, skipErrorToast: true });
      return normalizeItems<{ name: string; label?: string | null }>(data).filter((f) => f && f.name);
    } catch {
      return [];
    }
  },
  instances: (signal?: AbortSignal) => getItems<InstanceLite>("/instances", signal),

  /** Upload a variant's file: a presigned PUT from the API, then the bytes straight to storage. */
  uploadMedia: async (file: File): Promise<MediaUpload> => {
    const mimetype = file.type || "application/octet-stream";
    const { data } = await api.post<MediaUpload & { upload_url: string; headers: Record<string, string> }>(
      "/campaigns/media",
      { file_name: file.name, mimetype, size: file.size },
    );
    const put = await fetch(data.upload_url, { method: "PUT", body: file, headers: data.headers });
    if (!put.ok) throw new Error("Falha ao enviar o arquivo.");
    return {
      key: data.key,
      mimetype: data.mimetype,
      file_name: data.file_name,
      preview_url: data.preview_url,
      mediatype: data.mediatype,
    };
  },
  mediaUrl: async (key: string, signal?: AbortSignal) =>
    (await api.get<{ url: string }>("/campaigns/media-url", { params: { key }, signal, skipErrorToast: true })).data
      .url,
  warmup: async (instanceIds: string[], dailyCap: number, signal?: AbortSignal) => {
    if (!instanceIds.length) return [] as NumberWarmup[];
    const { data } = await api.get<{ items: NumberWarmup[] }>("/campaigns/warmup", {
      params: { instance_ids: instanceIds.join(","), daily_cap_per_number: dailyCap },
      signal,
      skipErrorToast: true,
    });
    return data.items ?? [];
  },
  retryUncertain: async (id: string) =>
    (await api.post<{ count: number; campaign: Campaign }>(`/campaigns/${id}/recipients/retry-uncertain`)).data,
};

/** Save a blob as a file download. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
