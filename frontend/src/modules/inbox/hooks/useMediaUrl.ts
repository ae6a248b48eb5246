import { useCallback, useEffect, useRef, useState } from "react";

import { freshUrl, mediaApi } from "../lib/media";
import { useInbox } from "../stores/inbox";
import type { Message } from "../types";

/**
 * - "downloading": a received file the download job has not stored yet (the push of `message_updated` ends it);
 * - "loading": asking /api/media for a URL;
 * - "ready": `url` is usable;
 * - "failed": the download failed for good (`media_error`: `retry` queues it again) or no URL could be had
 *   (`retry` asks again).
 */
export type MediaPhase = "downloading" | "loading" | "ready" | "failed";

export interface MediaUrlState {
  phase: MediaPhase;
  url: string | null;
  /** The element could not load `url` (expired): ask a fresh one, at most once every few seconds. */
  refresh: () => void;
  /** Only when failed: queue the download again, or ask the URL again. */
  retry: (() => Promise<void>) | null;
  retrying: boolean;
}

const REFRESH_GAP_MS = 5_000;

export function useMediaUrl(message: Message): MediaUrlState {
  const own = freshUrl(message);
  const stored = Boolean(message.media_key);
  const [fetched, setFetched] = useState<{ key: string; url: string } | null>(null);
  const [phase, setPhase] = useState<MediaPhase>("loading");
  const [retrying, setRetrying] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const lastFetch = useRef(0);
  const key = `${message.conversation_id}/${message.id}/${message.media_key ?? ""}`;
  const current = fetched && fetched.key === key ? fetched.url : null;
  const needsFetch = stored && !message.media_error && (attempt > 0 || !own) && !current;

  useEffect(() => {
    if (!needsFetch) return undefined;
    let alive = true;
    lastFetch.current = Date.now();
    setPhase("loading");
    mediaApi
      .url(message.conversation_id, message.id)
      .then((answer) => {
        if (!alive) return;
        setFetched({ key, url: answer.url });
        setPhase("ready");
      })
      .catch(() => {
        if (alive) setPhase("failed");
      });
    return () => {
      alive = false;
    };
  }, [needsFetch, key, attempt, message.conversation_id, message.id]);

  const refresh = useCallback(() => {
    if (Date.now() - lastFetch.current < REFRESH_GAP_MS) return;
    setFetched(null);
    setAttempt((n) => n + 1);
  }, []);

  const retry = useCallback(async () => {
    setRetrying(true);
    try {
      const updated = await mediaApi.retry(message.conversation_id, message.id);
      if (updated?.id) useInbox.getState().addMessages(message.conversation_id, [updated]);
    } catch {
      // toasted by the API client
    } finally {
      setRetrying(false);
    }
  }, [message.conversation_id, message.id]);

  if (message.media_error) return { phase: "failed", url: null, refresh, retry, retrying };
  if (!stored) return { phase: "downloading", url: null, refresh, retry: null, retrying };
  const url = current ?? (attempt === 0 ? own : null);
  if (url) return { phase: "ready", url, refresh, retry: null, retrying };
  if (phase === "failed") {
    const askAgain = async () => {
      lastFetch.current = 0;
      refresh();
    };
    return { phase, url: null, refresh, retry: askAgain, retrying };
  }
  return { phase: "loading", url: null, refresh, retry: null, retrying };
}
