/** The notifications centre's state: the loaded page, the unread count, and what the socket pushed. */
import { create } from "zustand";

import { notificationsApi } from "./api";
import { mergeNotifications as merge } from "./format";
import type { AppNotification } from "./types";

interface NotificationsState {
  items: AppNotification[];
  unread: number;
  nextCursor: string | null;
  loaded: boolean;
  failed: boolean;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  /** A `notification_created` push: newest first, no duplicates, the server's unread count. */
  pushed(notification: AppNotification, unread: number): void;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  reset(): void;
}

export const useNotifications = create<NotificationsState>()((set, get) => ({
  items: [],
  unread: 0,
  nextCursor: null,
  loaded: false,
  failed: false,

  async load() {
    try {
      const page = await notificationsApi.list();
      set((s) => ({
        items: merge(s.items, page.items),
        unread: page.unread,
        nextCursor: page.next_cursor,
        loaded: true,
        failed: false,
      }));
    } catch {
      set({ failed: !get().loaded });
    }
  },

  async loadMore() {
    const cursor = get().nextCursor;
    if (!cursor) return;
    const page = await notificationsApi.list({ cursor });
    set((s) => ({ items: merge(s.items, page.items), nextCursor: page.next_cursor, unread: page.unread }));
  },

  pushed(notification, unread) {
    set((s) => ({ items: merge(s.items, [notification]), unread }));
  },

  async markRead(id) {
    const { notification, unread } = await notificationsApi.markRead(id);
    set((s) => ({ items: merge(s.items, [notification]), unread }));
  },

  async markAllRead() {
    if (get().unread === 0) return;
    const { unread } = await notificationsApi.markAllRead();
    const now = new Date().toISOString();
    set((s) => ({
      unread,
      items: s.items.map((n) => (n.unread ? { ...n, unread: false, read_at: n.read_at ?? now } : n)),
    }));
  },

  reset() {
    set({ items: [], unread: 0, nextCursor: null, loaded: false, failed: false });
  },
}));

