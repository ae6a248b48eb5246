/** Calls of the inbox module, all through the shared `api` client (auth, refresh, toasts). */
import { api, getItems, normalizeItems } from "@/lib/api";

import type {
  Agent,
  ContactChanges,
  Conversation,
  ConversationContact,
  Department,
  InboxCounts,
  InboxFilters,
  InboxSettings,
  InstanceSummary,
  Message,
  Page,
  QuickReply,
  UploadTicket,
} from "./types";

export const PAGE_SIZE = 30;

function page<T>(data: unknown): Page<T> {
  const cursor = data && typeof data === "object" ? (data as { next_cursor?: unknown }).next_cursor : null;
  return { items: normalizeItems<T>(data), next_cursor: typeof cursor === "string" && cursor ? cursor : null };
}

export function filterParams(filters: InboxFilters): Record<string, string> {
  const params: Record<string, string> =
    filters.status === "inbox" ? { view: "inbox" } : { status: filters.status };
  if (filters.sort === "oldest") params.sort = "oldest";
  if (filters.department_id) params.department_id = filters.department_id;
  if (filters.assignee && filters.status !== "inbox") params.assigned_user_id = filters.assignee;
  if (filters.unread) params.unread = "true";
  if (filters.instance_id) params.instance_id = filters.instance_id;
  if (filters.mood) params.mood = filters.mood;
  if (filters.q.trim()) params.q = filters.q.trim();
  return params;
}

export const inboxApi = {
  async listConversations(filters: InboxFilters, cursor?: string | null, signal?: AbortSignal) {
    const params: Record<string, string> = { ...filterParams(filters), limit: String(PAGE_SIZE) };
    if (cursor) params.cursor = cursor;
    return page<Conversation>((await api.get<unknown>("/conversations", { params, signal })).data);
  },
  async counts() {
    return (await api.get<InboxCounts>("/conversations/counts", { skipErrorToast: true })).data;
  },
  async settings() {
    return (await api.get<InboxSettings>("/inbox/settings", { skipErrorToast: true })).data;
  },
  async getConversation(id: string) {
    return (await api.get<Conversation>(`/conversations/${id}`, { skipErrorToast: true })).data;
  },
  async listMessages(id: string, cursor?: string | null) {
    const params: Record<string, string> = { limit: String(PAGE_SIZE) };
    if (cursor) params.cursor = cursor;
    return page<Message>((await api.get<unknown>(`/conversations/${id}/messages`, { params })).data);
  },
  async markRead(id: string) {
    await api.post(`/conversations/${id}/read`, undefined, { skipErrorToast: true });
  },
  async sendText(id: string, text: string, replyTo?: string | null) {
    const body: Record<string, string> = { text };
    if (replyTo) body.reply_to = replyTo;
    return (await api.post<Message>(`/conversations/${id}/messages`, body)).data;
  },
  async react(id: string, messageId: string, emoji: string) {
    return (await api.post<Message>(`/conversations/${id}/messages/${messageId}/reaction`, { emoji })).data;
  },
  async setTags(id: string, tags: string[]) {
    return (await api.put<Conversation>(`/conversations/${id}/tags`, { tags })).data;
  },
  async contact(id: string) {
    return (await api.get<ConversationContact>(`/conversations/${id}/contact`, { skipErrorToast: true })).data;
  },
  async editContact(id: string, changes: ContactChanges) {
    return (await api.patch<ConversationContact>(`/conversations/${id}/contact`, changes)).data;
  },
  async sendMedia(id: string, media: { key: string; mimetype: string; file_name: string; caption?: string; ptt?: boolean }) {
    return (await api.post<Message>(`/conversations/${id}/messages`, { media })).data;
  },
  async createUpload(id: string, file: File) {
    const body = { file_name: file.name, mimetype: file.type || "application/octet-stream", size: file.size };
    return (await api.post<UploadTicket>(`/conversations/${id}/uploads`, body)).data;
  },
  async retry(id: string, messageId: string) {
    return (await api.post<Message>(`/conversations/${id}/messages/${messageId}/retry`)).data;
  },
  async addNote(id: string, text: string) {
    return (await api.post<Message>(`/conversations/${id}/notes`, { text })).data;
  },
  async assign(id: string, userId: string | null) {
    return (await api.post<Conversation>(`/conversations/${id}/assign`, { user_id: userId })).data;
  },
  async transfer(id: string, departmentId: string, userId?: string | null) {
    const body: Record<string, string> = { department_id: departmentId };
    if (userId) body.user_id = userId;
    return (await api.post<Conversation>(`/conversations/${id}/transfer`, body)).data;
  },
  async close(id: string) {
    return (await api.post<Conversation>(`/conversations/${id}/close`)).data;
  },
  async reopen(id: string) {
    return (await api.post<Conversation>(`/conversations/${id}/reopen`)).data;
  },
  async quickReplies(prefix: string, signal?: AbortSignal) {
    const { data } = await api.get<unknown>("/quick-replies", {
      params: { prefix },
      signal,
      skipErrorToast: true,
    });
    return normalizeItems<QuickReply>(data);
  },
  departments: (signal?: AbortSignal) => getItems<Department>("/departments", signal),
  async agents(): Promise<Agent[] | null> {
    try {
      const { data } = await api.get<unknown>("/inbox/agents", { skipErrorToast: true });
      return normalizeItems<Agent>(data);
    } catch {
      return null; // not available: the assign picker is hidden for non-admins
    }
  },
  async users(): Promise<Agent[]> {
    const { data } = await api.get<unknown>("/users", { skipErrorToast: true });
    return normalizeItems<{ id: string; name: string; department_id?: string | null; active?: boolean }>(data)
      .filter((u) => u.active !== false)
      .map((u) => ({ id: u.id, name: u.name, department_id: u.department_id ?? null }));
  },
  async instances(): Promise<InstanceSummary[]> {
    try {
      const { data } = await api.get<unknown>("/instances", { skipErrorToast: true });
      return normalizeItems<InstanceSummary>(data);
    } catch {
      return [];
    }
  },
};

/**
 * PUT the file to the presigned URL with the Content-Type it was signed for (an XHR, for upload progress; a bare
 * request: S3 must not receive our Bearer token). Rejects with an Error on a refused or failed upload.
 */
export function putToPresigned(ticket: UploadTicket, file: Blob, onProgress?: (fraction: number) => void): Promise<void> {
  const headers: Record<string, string> = { ...(ticket.headers ?? {}) };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["Content-Type"] = file.type || "application/octet-stream";
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", ticket.upload_url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (onProgress && e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`upload failed (${xhr.status})`)));
    xhr.onerror = () => reject(new Error("upload failed (network)"));
    xhr.onabort = () => reject(new Error("upload aborted"));
    xhr.send(file);
  });
}
