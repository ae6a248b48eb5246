/**
 * Alerts when a customer writes in a conversation this person can answer (every `message_received` push of an
 * inbound message reaches only the conversation's audience): a short chime made with the Web Audio API (no
 * audio file), a browser Notification while the tab is hidden (permission asked only from a visible button),
 * and the unread count in the tab title ("(3) ALREA Flow"). The sound switch lives in this browser only.
 */
import { useEffect } from "react";
import { toast } from "sonner";
import { create } from "zustand";

import { useRealtimeEvent } from "@/hooks/useRealtime";

import { inboxApi } from "../api";
import { titleWithCount } from "../lib/wait";
import { useInbox } from "../stores/inbox";
import type { Conversation, Message } from "../types";
import { useInboxCounts, useInboxCountsSync } from "./useInboxCounts";

export const BASE_TITLE = "ALREA Flow";
const SOUND_KEY = "alrea.inbox.sound";

type Permission = NotificationPermission | "unsupported";

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== "off";
  } catch {
    return true;
  }
}

function currentPermission(): Permission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

interface AlertPrefs {
  sound: boolean;
  permission: Permission;
  /** How many chimes this page played (what the tests and the curious can read). */
  chimes: number;
  setSound(on: boolean): void;
  requestPermission(): Promise<void>;
}

export const useAlertPrefs = create<AlertPrefs>()((set) => ({
  sound: readSound(),
  permission: currentPermission(),
  chimes: 0,
  setSound(on) {
    try {
      localStorage.setItem(SOUND_KEY, on ? "on" : "off");
    } catch {
      // private mode: the switch still works for this visit
    }
    set({ sound: on });
  },
  async requestPermission() {
    if (typeof Notification === "undefined") return;
    try {
      set({ permission: await Notification.requestPermission() });
    } catch {
      set({ permission: currentPermission() });
    }
  },
}));

let audio: AudioContext | null = null;

/** Two short rising tones (~0.3 s), generated on the spot. */
export function playChime(): void {
  try {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    audio ??= new Ctor();
    if (audio.state === "suspended") void audio.resume().catch(() => undefined);
    const start = audio.currentTime;
    [880, 1320].forEach((frequency, i) => {
      const ctx = audio as AudioContext;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = start + i * 0.14;
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.13);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.14);
    });
    useAlertPrefs.setState((s) => ({ chimes: s.chimes + 1 }));
  } catch {
    // no audio device or blocked autoplay: the badge and the title still tell
  }
}

function asInbound(value: unknown): Message | null {
  if (!value || typeof value !== "object") return null;
  const m = value as Partial<Message>;
  if (typeof m.conversation_id !== "string" || m.direction !== "in") return null;
  return m.kind === "note" || m.kind === "reaction" ? null : (m as Message);
}

function notify(message: Message): void {
  if (currentPermission() !== "granted") return;
  const c = useInbox.getState().byId[message.conversation_id];
  const who = c?.contact_name || c?.phone || message.author_name || "Cliente";
  try {
    const n = new Notification(`Nova mensagem de ${who}`, {
      body: message.text ?? message.media?.caption ?? "Nova mensagem",
      tag: message.conversation_id,
    });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // some browsers only allow notifications from a service worker
  }
}

/** "Nova mensagem — Você recebeu uma mensagem de {contato}" (the conversation is fetched when this page holds none). */
async function toastNewMessage(message: Message): Promise<void> {
  const cid = message.conversation_id;
  let c: Conversation | undefined = useInbox.getState().byId[cid];
  if (!c) c = await inboxApi.getConversation(cid).catch(() => undefined);
  const who = c?.contact_name || (c?.phone ? `+${c.phone.replace(/^\+/, "")}` : null) || message.author_name || "um contato";
  toast("Nova mensagem", { id: `new-message:${cid}`, description: `Você recebeu uma mensagem de ${who}` });
}

/** Mounted once in the app shell: counts, title, sound and notifications work on every page. */
export function useInboxAlerts(userId: string | undefined): void {
  useInboxCountsSync(userId);
  const unread = useInboxCounts((s) => s.counts?.unread ?? 0);

  useEffect(() => {
    document.title = titleWithCount(BASE_TITLE, unread);
  }, [unread]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
    },
    [],
  );

  useRealtimeEvent("message_received", (event) => {
    const message = asInbound(event.message);
    if (!message) return;
    const hidden = typeof document !== "undefined" && document.visibilityState === "hidden";
    const onScreen = !hidden && useInbox.getState().selectedId === message.conversation_id;
    if (onScreen) return; // the person is looking at it
    if (useAlertPrefs.getState().sound) playChime();
    if (hidden) notify(message);
    else void toastNewMessage(message);
  });
}
