/**
 * "Maria está vendo / digitando…" and the customer's "digitando…": who is active on a conversation.
 *
 * Outgoing: while a conversation is open (and the tab visible) the SPA sends `viewing` every VIEWING_EVERY_MS,
 * `typing` at most every TYPING_EVERY_MS while the person types, and `left` when they leave it. Incoming
 * `activity` events (the server pushes them only to the conversation's audience) expire after their `ttl_s`
 * unless repeated; the person's own activity is never shown.
 */
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { create } from "zustand";

import { useRealtimeClient, useRealtimeEvent } from "@/hooks/useRealtime";
import { useAuth } from "@/stores/auth";

export const VIEWING_EVERY_MS = 8_000;
export const TYPING_EVERY_MS = 3_000;

export interface Activity {
  name: string;
  what: "viewing" | "typing" | "customer_typing";
  until: number;
}

interface ActivityState {
  /** conversation id → (user id, or "customer") → activity */
  byConversation: Record<string, Record<string, Activity>>;
  put(conversationId: string, key: string, activity: Activity | null): void;
}

export const useActivityStore = create<ActivityState>()((set) => ({
  byConversation: {},
  put(conversationId, key, activity) {
    set((s) => {
      const current = { ...(s.byConversation[conversationId] ?? {}) };
      if (activity) current[key] = activity;
      else delete current[key];
      return { byConversation: { ...s.byConversation, [conversationId]: current } };
    });
  },
}));

function visible(): boolean {
  return typeof document === "undefined" || document.visibilityState === "visible";
}

/** Feeds the store from `activity` events and announces that the person views `conversationId`. */
export function useActivityFeed(conversationId: string | null): void {
  const client = useRealtimeClient();
  const me = useAuth((s) => s.user?.id);

  useRealtimeEvent("activity", (event) => {
    const cid = typeof event.conversation_id === "string" ? event.conversation_id : null;
    const what = typeof event.what === "string" ? event.what : "";
    if (!cid) return;
    const ttl = (typeof event.ttl_s === "number" ? event.ttl_s : 10) * 1000;
    const put = useActivityStore.getState().put;
    if (what === "customer_typing" || what === "customer_idle") {
      put(cid, "customer", what === "customer_typing" ? { name: "", what, until: Date.now() + ttl } : null);
      return;
    }
    const uid = typeof event.user_id === "string" ? event.user_id : null;
    if (!uid || uid === me) return;
    const name = typeof event.name === "string" && event.name ? event.name : "Alguém";
    put(cid, uid, what === "viewing" || what === "typing" ? { name, what, until: Date.now() + ttl } : null);
  });

  useEffect(() => {
    if (!conversationId) return undefined;
    const announce = () => {
      if (visible()) client.send({ action: "viewing", conversation_id: conversationId });
    };
    announce();
    const timer = setInterval(announce, VIEWING_EVERY_MS);
    const unsubscribeStatus = client.onStatusChange(() => {
      if (client.getStatus() === "connected") announce();
    });
    document.addEventListener("visibilitychange", announce);
    return () => {
      clearInterval(timer);
      unsubscribeStatus();
      document.removeEventListener("visibilitychange", announce);
      client.send({ action: "left", conversation_id: conversationId });
    };
  }, [client, conversationId]);
}

/** A function for the composer: tells the others, at most every TYPING_EVERY_MS, that the person types. */
export function useTypingNotifier(conversationId: string): () => void {
  const client = useRealtimeClient();
  const last = useRef(0);
  return useCallback(() => {
    const now = Date.now();
    if (now - last.current < TYPING_EVERY_MS) return;
    last.current = now;
    client.send({ action: "typing", conversation_id: conversationId });
  }, [client, conversationId]);
}

/** A clock that ticks every second while something may expire (re-renders the activity line). */
function useNow(active: boolean): number {
  const subscribe = useCallback(
    (cb: () => void) => {
      if (!active) return () => undefined;
      const timer = setInterval(cb, 1_000);
      return () => clearInterval(timer);
    },
    [active],
  );
  return useSyncExternalStore(subscribe, () => Math.floor(Date.now() / 1000));
}

const NONE: Record<string, Activity> = {};

/** The live activities of a conversation: the customer typing, and the other people viewing or typing. */
export function useConversationActivity(conversationId: string): { customerTyping: boolean; people: Activity[] } {
  const all = useActivityStore((s) => s.byConversation[conversationId] ?? NONE);
  const hasAny = Object.keys(all).length > 0;
  const nowS = useNow(hasAny);
  const now = Math.max(nowS * 1000, 0);
  const live = Object.entries(all).filter(([, a]) => a.until > now);
  return {
    customerTyping: live.some(([key]) => key === "customer"),
    people: live.filter(([key]) => key !== "customer").map(([, a]) => a),
  };
}
