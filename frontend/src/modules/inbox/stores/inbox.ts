/**
 * The inbox's state: the conversation list (current filters, cursor pages) and the loaded messages of each
 * opened conversation. Fed by REST pages and by WebSocket events — nothing here ever needs a page reload.
 */
import { create } from "zustand";

import { inboxApi } from "../api";
import { DEFAULT_FILTERS, matchesFilters, type Viewer } from "../lib/filters";
import { compareConversations, mergeMessages, pickStatus } from "../lib/format";
import type { Conversation, InboxFilters, InboxSort, Message } from "../types";

export interface Thread {
  items: Message[];
  /** Cursor of the next OLDER page; null when the beginning was reached. */
  olderCursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
}

const EMPTY_THREAD: Thread = { items: [], olderCursor: null, loaded: false, loadingOlder: false };

/** When I last read each conversation here: an answer requested before that cannot bring its badge back. */
const readAt = new Map<string, number>();

function notStale(c: Conversation, requestedAt: number): Conversation {
  return (readAt.get(c.id) ?? 0) >= requestedAt && c.unread ? { ...c, unread: 0 } : c;
}

interface InboxState {
  viewer: Viewer | null;
  filters: InboxFilters;
  byId: Record<string, Conversation>;
  order: string[];
  nextCursor: string | null;
  listLoading: boolean;
  listLoaded: boolean;
  /** The last first-page load failed (the list shows <ErrorState>, not "Nenhuma conversa"). */
  listFailed: boolean;
  loadingMore: boolean;
  listSeq: number;
  selectedId: string | null;
  /** The open conversation as last known (it may not be in the filtered list). */
  open: Conversation | null;
  threads: Record<string, Thread>;

  setViewer(viewer: Viewer | null): void;
  setFilters(patch: Partial<InboxFilters>): void;
  loadList(): Promise<void>;
  loadMore(): Promise<void>;
  upsertConversation(c: Conversation): void;
  /**
   * Drop a conversation from the list. The open chat closes only with `closeIfOpen` — a pushed
   * `conversation_removed` may be followed by `conversation_updated` (the person lost it through one group
   * and keeps it through another), so the event path re-checks with the server instead.
   */
  removeConversation(id: string, closeIfOpen?: boolean): void;
  select(id: string | null): void;
  refreshOpen(): Promise<void>;
  loadNewest(id: string): Promise<void>;
  loadOlder(id: string): Promise<void>;
  addMessages(conversationId: string, messages: Message[]): void;
  setMessageStatus(conversationId: string, messageId: string, status: string, failureReason?: string | null): void;
  /** Clear unread locally and tell the server (always when `force`, else only when something is unread). */
  markRead(id: string, force?: boolean): void;
  /** Zero MY unread locally (I read it here or on another screen: the `conversation_read` push). */
  clearUnread(id: string): void;
  reset(): void;
}

function sortedIds(byId: Record<string, Conversation>, ids: Iterable<string>, sort?: InboxSort): string[] {
  const compare = sort === "oldest" ? (a: Conversation, b: Conversation) => compareConversations(b, a) : compareConversations;
  return [...new Set(ids)]
    .map((id) => byId[id])
    .filter((c): c is Conversation => !!c)
    .sort(compare)
    .map((c) => c.id);
}

export const useInbox = create<InboxState>()((set, get) => ({
  viewer: null,
  filters: DEFAULT_FILTERS,
  byId: {},
  order: [],
  nextCursor: null,
  listLoading: false,
  listLoaded: false,
  listFailed: false,
  loadingMore: false,
  listSeq: 0,
  selectedId: null,
  open: null,
  threads: {},

  setViewer(viewer) {
    set({ viewer });
  },

  setFilters(patch) {
    set((s) => ({ filters: { ...s.filters, ...patch } }));
    void get().loadList();
  },

  /** First page for the current filters; replaces the list (also the resync path). */
  async loadList() {
    const seq = get().listSeq + 1;
    set({ listSeq: seq, listLoading: true });
    const requestedAt = Date.now();
    try {
      const page = await inboxApi.listConversations(get().filters);
      if (get().listSeq !== seq) return;
      const byId: Record<string, Conversation> = {};
      for (const c of page.items) byId[c.id] = notStale(c, requestedAt);
      const open = get().open;
      set({
        byId,
        order: sortedIds(byId, page.items.map((c) => c.id), get().filters.sort),
        nextCursor: page.next_cursor,
        listLoaded: true,
        listFailed: false,
        open: open && byId[open.id] ? { ...open, ...byId[open.id] } : open,
      });
    } catch {
      // toasted by the API client; the resync loop tries again
      if (get().listSeq === seq) set({ listFailed: true });
    } finally {
      if (get().listSeq === seq) set({ listLoading: false });
    }
  },

  async loadMore() {
    const { nextCursor, loadingMore, listSeq } = get();
    if (!nextCursor || loadingMore) return;
    set({ loadingMore: true });
    const requestedAt = Date.now();
    try {
      const page = await inboxApi.listConversations(get().filters, nextCursor);
      if (get().listSeq !== listSeq) return;
      set((s) => {
        const byId = { ...s.byId };
        for (const c of page.items) byId[c.id] = notStale(c, requestedAt);
        return {
          byId,
          order: sortedIds(byId, [...s.order, ...page.items.map((c) => c.id)], s.filters.sort),
          nextCursor: page.next_cursor,
        };
      });
    } catch {
      // toasted
    } finally {
      set({ loadingMore: false });
    }
  },

  upsertConversation(c) {
    set((s) => {
      const known = s.byId[c.id] ?? (s.open?.id === c.id ? s.open : null);
      const merged: Conversation = { ...known, ...c };
      const open = s.open?.id === c.id ? { ...s.open, ...c } : s.open;
      const fits = s.viewer ? matchesFilters(merged, s.filters, s.viewer) : true;
      const byId = { ...s.byId };
      if (fits) byId[c.id] = merged;
      else delete byId[c.id];
      const order = fits ? sortedIds(byId, [...s.order, c.id], s.filters.sort) : s.order.filter((id) => id !== c.id);
      return { byId, order, open };
    });
  },

  removeConversation(id, closeIfOpen = false) {
    set((s) => {
      if (!s.byId[id] && s.open?.id !== id) return {};
      const byId = { ...s.byId };
      delete byId[id];
      const closing = closeIfOpen && s.selectedId === id;
      return {
        byId,
        order: s.order.filter((x) => x !== id),
        selectedId: closing ? null : s.selectedId,
        open: closing ? null : s.open,
      };
    });
  },

  select(id) {
    set((s) => ({ selectedId: id, open: id ? (s.byId[id] ?? (s.open?.id === id ? s.open : null)) : null }));
    if (!id) return;
    void get().loadNewest(id);
    void get().refreshOpen();
    get().markRead(id);
  },

  async refreshOpen() {
    const id = get().selectedId;
    if (!id) return;
    const requestedAt = Date.now();
    try {
      const c = notStale(await inboxApi.getConversation(id), requestedAt);
      if (get().selectedId !== id) return;
      set({ open: c });
      get().upsertConversation(c);
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      // Transferred away or deleted: this person may no longer see it.
      if ((status === 404 || status === 403) && get().selectedId === id) get().removeConversation(id, true);
    }
  },

  /** The newest page of a conversation, merged with what we have (dedupe by id). */
  async loadNewest(id) {
    try {
      const page = await inboxApi.listMessages(id);
      set((s) => {
        const thread = s.threads[id] ?? EMPTY_THREAD;
        return {
          threads: {
            ...s.threads,
            [id]: {
              ...thread,
              items: mergeMessages(thread.items, page.items),
              olderCursor: thread.loaded ? thread.olderCursor : page.next_cursor,
              loaded: true,
            },
          },
        };
      });
    } catch {
      // toasted; resync retries
    }
  },

  async loadOlder(id) {
    const thread = get().threads[id];
    if (!thread?.olderCursor || thread.loadingOlder) return;
    const patch = (p: Partial<Thread>) =>
      set((s) => ({ threads: { ...s.threads, [id]: { ...(s.threads[id] ?? EMPTY_THREAD), ...p } } }));
    patch({ loadingOlder: true });
    try {
      const page = await inboxApi.listMessages(id, thread.olderCursor);
      const current = get().threads[id] ?? EMPTY_THREAD;
      patch({ items: mergeMessages(current.items, page.items), olderCursor: page.next_cursor, loadingOlder: false });
    } catch {
      patch({ loadingOlder: false });
    }
  },

  addMessages(conversationId, messages) {
    if (messages.length === 0) return;
    set((s) => {
      const thread = s.threads[conversationId];
      if (!thread) return {};
      return {
        threads: { ...s.threads, [conversationId]: { ...thread, items: mergeMessages(thread.items, messages) } },
      };
    });
  },

  setMessageStatus(conversationId, messageId, status, failureReason) {
    set((s) => {
      const thread = s.threads[conversationId];
      if (!thread) return {};
      let changed = false;
      const items = thread.items.map((m) => {
        if (m.id !== messageId) return m;
        changed = true;
        const next = pickStatus(m.status, status);
        return { ...m, status: next, failure_reason: next === "failed" ? (failureReason ?? m.failure_reason) : null };
      });
      return changed ? { threads: { ...s.threads, [conversationId]: { ...thread, items } } } : {};
    });
  },

  markRead(id, force = false) {
    const c = get().byId[id] ?? get().open;
    get().clearUnread(id);
    if (!force && c && !c.unread) return;
    void inboxApi.markRead(id).catch(() => undefined);
  },

  clearUnread(id) {
    readAt.set(id, Date.now());
    set((s) => ({
      byId: s.byId[id] ? { ...s.byId, [id]: { ...s.byId[id], unread: 0 } as Conversation } : s.byId,
      open: s.open?.id === id ? { ...s.open, unread: 0 } : s.open,
    }));
  },

  reset() {
    set({
      byId: {},
      order: [],
      nextCursor: null,
      listLoaded: false,
      listFailed: false,
      selectedId: null,
      open: null,
      threads: {},
      filters: DEFAULT_FILTERS,
    });
  },
}));
