import { api } from "@/lib/api";

import type { AppNotification, NotificationPage, NotificationPreferences } from "./types";

export const notificationsApi = {
  list: async (params: { cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) =>
    (
      await api.get<NotificationPage>("/notifications", {
        params: { limit: params.limit ?? 20, ...(params.cursor ? { cursor: params.cursor } : {}) },
        signal,
        skipErrorToast: true,
      })
    ).data,
  markRead: async (id: string) =>
    (await api.post<{ notification: AppNotification; unread: number }>(`/notifications/${id}/read`)).data,
  markAllRead: async () => (await api.post<{ changed: number; unread: number }>("/notifications/read-all")).data,
  preferences: async (signal?: AbortSignal) =>
    (await api.get<NotificationPreferences>("/notifications/preferences", { signal })).data,
  savePreferences: async (muted: string[]) =>
    (await api.put<NotificationPreferences>("/notifications/preferences", { muted })).data,
};
