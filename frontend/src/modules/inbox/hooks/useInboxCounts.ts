/**
 * The tab counts (GET /conversations/counts) and the inbox settings the list needs (waiting thresholds).
 * Counts are refetched — debounced — after pushes that can move them, after a resync, and when this
 * person reads a conversation (here or on another screen: `conversation_read`).
 */
import { useEffect } from "react";
import { create } from "zustand";

import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";

import { inboxApi } from "../api";
import type { InboxCounts, InboxSettings } from "../types";

export const COUNTS_DEBOUNCE_MS = 1000;

export const DEFAULT_INBOX_SETTINGS: InboxSettings = { auto_assign: false, wait_warn_minutes: 5, wait_alert_minutes: 15 };

interface CountsState {
  counts: InboxCounts | null;
  settings: InboxSettings;
  refresh(): Promise<void>;
  /** Refresh once after a burst of events. */
  refreshSoon(): void;
  loadSettings(): Promise<void>;
  reset(): void;
}

let timer: ReturnType<typeof setTimeout> | null = null;
let seq = 0;

export const useInboxCounts = create<CountsState>()((set, get) => ({
  counts: null,
  settings: DEFAULT_INBOX_SETTINGS,

  async refresh() {
    const mine = ++seq;
    try {
      const counts = await inboxApi.counts();
      if (mine === seq) set({ counts });
    } catch {
      // the next push or resync tries again
    }
  },

  refreshSoon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void get().refresh();
    }, COUNTS_DEBOUNCE_MS);
  },

  async loadSettings() {
    try {
      const s = await inboxApi.settings();
      set({ settings: { ...DEFAULT_INBOX_SETTINGS, ...s } });
    } catch {
      // defaults stay
    }
  },

  reset() {
    if (timer) clearTimeout(timer);
    timer = null;
    seq++;
    set({ counts: null });
  },
}));

/** "99+" past the cap, "" when unknown. */
export function countLabel(value: number | undefined | null, cap = 100): string {
  if (value === undefined || value === null) return "";
  return value >= cap ? `${cap - 1}+` : String(value);
}

/** Keeps the counts fresh for as long as the inbox is on screen. */
export function useInboxCountsSync(userId: string | undefined): void {
  useEffect(() => {
    const store = useInboxCounts.getState();
    store.reset();
    void store.refresh();
    void store.loadSettings();
    return () => useInboxCounts.getState().reset();
  }, [userId]);

  const soon = () => useInboxCounts.getState().refreshSoon();
  useRealtimeEvent("message_received", soon);
  useRealtimeEvent("conversation_updated", soon);
  useRealtimeEvent("conversation_removed", soon);
  useRealtimeEvent("conversation_read", soon);
  useResync(() => {
    void useInboxCounts.getState().refresh();
  });
}
