/**
 * Wires the inbox store to the realtime channel: pushed events update the list and the open chat,
 * the open conversation is subscribed, and after the channel was down everything is refetched.
 */
import { useEffect } from "react";
import { toast } from "sonner";

import { useConversationSubscription, useRealtimeEvent, useResync } from "@/hooks/useRealtime";

import { inboxApi } from "../api";
import { unreadCount } from "../lib/format";
import { useInbox } from "../stores/inbox";
import type { Conversation, Message } from "../types";

function isVisible(): boolean {
  return typeof document === "undefined" || document.visibilityState === "visible";
}

function asMessage(value: unknown): Message | null {
  if (!value || typeof value !== "object") return null;
  const m = value as Partial<Message>;
  return typeof m.id === "string" && typeof m.conversation_id === "string" ? (m as Message) : null;
}

function asConversation(value: unknown): Conversation | null {
  if (!value || typeof value !== "object") return null;
  return typeof (value as { id?: unknown }).id === "string" ? (value as Conversation) : null;
}

/** Resync everything the screen shows: the list's first page, the open conversation and its newest page. */
export function resyncInbox(): void {
  const store = useInbox.getState();
  void store.loadList();
  const open = store.selectedId;
  if (open) {
    void store.loadNewest(open);
    void store.refreshOpen();
  }
}

export function useInboxRealtime(): void {
  const selectedId = useInbox((s) => s.selectedId);
  useConversationSubscription(selectedId);

  useRealtimeEvent("message_received", (event) => {
    const message = asMessage(event.message);
    if (!message) return;
    const store = useInbox.getState();
    const cid = message.conversation_id;
    store.addMessages(cid, [message]);
    const known = store.byId[cid];
    const onScreen = store.selectedId === cid && isVisible();
    if (known) {
      const inbound = message.direction === "in" && message.kind !== "note";
      const at = message.sent_at ?? message.created_at ?? known.last_message_at;
      const newer = !known.last_message_at || (at ?? "") >= known.last_message_at;
      store.upsertConversation({
        ...known,
        ...(newer
          ? {
              last_message_at: at,
              last_message_preview: message.text ?? message.media?.caption ?? known.last_message_preview,
              last_message_direction: message.direction,
            }
          : {}),
        unread: inbound && !onScreen ? unreadCount(known) + 1 : known.unread,
      });
    } else {
      // A conversation this list does not hold yet: ask for it (the filters decide whether it shows).
      inboxApi
        .getConversation(cid)
        .then((c) => useInbox.getState().upsertConversation(c))
        .catch(() => undefined);
    }
    if (onScreen && message.direction === "in") store.markRead(cid, true);
  });

  useRealtimeEvent("message_updated", (event) => {
    const message = asMessage(event.message);
    if (message) useInbox.getState().addMessages(message.conversation_id, [message]);
  });

  useRealtimeEvent("message_status", (event) => {
    const cid = typeof event.conversation_id === "string" ? event.conversation_id : null;
    const mid = typeof event.message_id === "string" ? event.message_id : null;
    const status = typeof event.status === "string" ? event.status : null;
    if (!cid || !mid || !status) return;
    const reason = typeof event.failure_reason === "string" ? event.failure_reason : null;
    useInbox.getState().setMessageStatus(cid, mid, status, reason);
    if (status === "failed") {
      toast.error("Erro ao enviar", { id: `send-failed:${mid}`, description: "Tente novamente em alguns instantes" });
    }
  });

  useRealtimeEvent("conversation_updated", (event) => {
    const c = asConversation(event.conversation);
    if (!c) return;
    const store = useInbox.getState();
    store.upsertConversation(c);
    if (store.selectedId === c.id && isVisible() && unreadCount(c) > 0) store.markRead(c.id, true);
  });

  // I read it (here or on another screen): my badge goes; nobody else's read ever reaches me.
  useRealtimeEvent("conversation_read", (event) => {
    const id = typeof event.conversation_id === "string" ? event.conversation_id : null;
    if (id) useInbox.getState().clearUnread(id);
  });

  useRealtimeEvent("conversation_removed", (event) => {
    const id = typeof event.conversation_id === "string" ? event.conversation_id : null;
    if (!id) return;
    const store = useInbox.getState();
    store.removeConversation(id);
    // Still allowed through another group? The server decides (a 404 closes the chat).
    if (store.selectedId === id) void store.refreshOpen();
  });

  useResync(resyncInbox);

  // Coming back to the tab: what arrived meanwhile on the open conversation is now read.
  useEffect(() => {
    const onVisible = () => {
      if (!isVisible()) return;
      const { selectedId: id, byId, open } = useInbox.getState();
      const c = id ? (byId[id] ?? open) : null;
      if (id && c && unreadCount(c) > 0) useInbox.getState().markRead(id, true);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, []);
}
