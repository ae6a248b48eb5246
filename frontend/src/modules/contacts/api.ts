import { api, getItems } from "@/lib/api";

import type {
  Contact,
  ContactCampaign,
  ContactFilter,
  ContactPage,
  FieldDef,
  ImportStatus,
  TagCount,
} from "./types";

function params(filter: ContactFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (filter.q) out.q = filter.q;
  if (filter.tag) out.tag = filter.tag;
  if (filter.opted_out !== undefined) out.opted_out = String(filter.opted_out);
  return out;
}

export const contactsApi = {
  list: async (filter: ContactFilter, cursor?: string | null, signal?: AbortSignal) =>
    (
      await api.get<ContactPage>("/contacts", {
        params: { ...params(filter), limit: 50, ...(cursor ? { cursor } : {}) },
        signal,
      })
    ).data,
  get: async (id: string) => (await api.get<Contact>(`/contacts/${id}`)).data,
  create: async (body: Partial<Contact> & { phone: string }) => (await api.post<Contact>("/contacts", body)).data,
  update: async (id: string, body: Record<string, unknown>) => (await api.patch<Contact>(`/contacts/${id}`, body)).data,
  remove: async (id: string) => api.delete(`/contacts/${id}`),
  optOut: async (id: string, reason: string) =>
    (await api.post<Contact>(`/contacts/${id}/opt-out`, { reason })).data,
  optIn: async (id: string) => (await api.post<Contact>(`/contacts/${id}/opt-in`)).data,
  /** The campaigns this contact received, newest first. */
  campaigns: (id: string, signal?: AbortSignal) => getItems<ContactCampaign>(`/contacts/${id}/campaigns`, signal),
  tags: async () => (await api.get<{ items: TagCount[] }>("/contacts/tags")).data.items,
  bulkTags: async (body: { add?: string[]; remove?: string[]; ids?: string[]; filter?: ContactFilter }) =>
    (await api.post<{ matched: number }>("/contacts/tags", body)).data,
  fields: async () => (await api.get<{ items: FieldDef[] }>("/contacts/fields")).data.items,
  exportUrl: (filter: ContactFilter) => {
    const query = new URLSearchParams(params(filter)).toString();
    return `/contacts/export.csv${query ? `?${query}` : ""}`;
  },
  createImport: async (body: { file_name: string; size: number; mapping: Record<string, string> }) =>
    (
      await api.post<{ import_id: string; upload_url: string; key: string; content_type: string | null }>(
        "/contacts/imports",
        body,
      )
    ).data,
  getImport: async (id: string) => (await api.get<ImportStatus>(`/contacts/imports/${id}`)).data,
};
