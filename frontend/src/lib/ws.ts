/**
 * Realtime channel to the API's WebSocket (`/ws?token=<access>`), framework-free.
 *
 * Reconnects with exponential backoff + jitter (cap 30 s), pings every 25 s to keep API Gateway's
 * idle timeout away, and — because events sent while we were down are lost — calls the registered
 * resync callbacks every 10 s while down and once after reconnecting, so modules refetch.
 * Events are JSON objects with a `type`; modules subscribe by type (or "*").
 */
import { backoffDelay } from "./backoff";

export type RealtimeStatus = "connected" | "connecting" | "offline";

export interface RealtimeEvent {
  type: string;
  [key: string]: unknown;
}

export type RealtimeHandler = (event: RealtimeEvent) => void;

export interface RealtimeClientOptions {
  /** The URL to open now, or null when there is no session (the client keeps waiting). */
  url: () => string | null;
  /** Runs before each attempt (e.g. refresh an access token about to expire). */
  beforeConnect?: () => Promise<unknown>;
  pingIntervalMs?: number;
  resyncIntervalMs?: number;
  /** Consecutive failed attempts after which the status reads "offline" instead of "connecting". */
  offlineAfterFailures?: number;
  backoff?: (attempt: number) => number;
  WebSocketImpl?: typeof WebSocket;
}

export const PING_INTERVAL_MS = 25_000;
export const RESYNC_INTERVAL_MS = 10_000;

type Timer = ReturnType<typeof setTimeout>;

export class RealtimeClient {
  private readonly opts: Required<Omit<RealtimeClientOptions, "beforeConnect" | "WebSocketImpl">> &
    Pick<RealtimeClientOptions, "beforeConnect" | "WebSocketImpl">;
  private ws: WebSocket | null = null;
  private status: RealtimeStatus = "connecting";
  private readonly statusListeners = new Set<() => void>();
  private readonly handlers = new Map<string, Set<RealtimeHandler>>();
  private readonly resyncers = new Set<() => void>();
  private readonly conversations = new Map<string, number>();
  private attempt = 0;
  private connectSeq = 0;
  private failures = 0;
  private wasDown = false;
  private stopped = true;
  private reconnectTimer: Timer | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private resyncTimer: ReturnType<typeof setInterval> | null = null;

  constructor(options: RealtimeClientOptions) {
    this.opts = {
      pingIntervalMs: PING_INTERVAL_MS,
      resyncIntervalMs: RESYNC_INTERVAL_MS,
      offlineAfterFailures: 3,
      backoff: (attempt: number) => backoffDelay(attempt),
      ...options,
    };
  }

  // ---- lifecycle ----

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.failures = 0;
    this.wasDown = false;
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onBrowserOnline);
      window.addEventListener("offline", this.onBrowserOffline);
    }
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onBrowserOnline);
      window.removeEventListener("offline", this.onBrowserOffline);
    }
    this.clearReconnect();
    this.stopPing();
    this.stopResync();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) ws.close(1000, "client closed");
    this.setStatus("offline");
  }

  /** Drop the current socket and connect again now (e.g. after a new login). */
  reconnectNow(): void {
    if (this.stopped) return;
    this.clearReconnect();
    this.attempt = 0;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) ws.close(1000, "reconnect");
    void this.connect();
  }

  // ---- public API ----

  getStatus(): RealtimeStatus {
    return this.status;
  }

  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Listen to events of one `type` ("*" for all). Returns the unsubscribe function. */
  on(type: string, handler: RealtimeHandler): () => void {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(type);
    };
  }

  /** Register a refetch to run while the channel is down and once it is back. */
  addResync(fn: () => void): () => void {
    this.resyncers.add(fn);
    return () => this.resyncers.delete(fn);
  }

  /** Join a conversation's group (reference-counted: several views may watch the same one). */
  subscribe(conversationId: string): void {
    const count = this.conversations.get(conversationId) ?? 0;
    this.conversations.set(conversationId, count + 1);
    if (count === 0) this.send({ action: "subscribe", conversation_id: conversationId });
  }

  unsubscribe(conversationId: string): void {
    const count = this.conversations.get(conversationId) ?? 0;
    if (count <= 1) {
      this.conversations.delete(conversationId);
      if (count === 1) this.send({ action: "unsubscribe", conversation_id: conversationId });
    } else {
      this.conversations.set(conversationId, count - 1);
    }
  }

  /** Send a JSON action; false when the socket is not open (the caller's state resyncs later). */
  send(payload: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(payload));
    return true;
  }

  // ---- internals ----

  private setStatus(next: RealtimeStatus): void {
    if (this.status === next) return;
    this.status = next;
    for (const listener of this.statusListeners) listener();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const seq = ++this.connectSeq;
    this.clearReconnect();
    this.setStatus(this.failures >= this.opts.offlineAfterFailures ? "offline" : "connecting");
    try {
      await this.opts.beforeConnect?.();
    } catch {
      // Try anyway: the server's refusal leads to the normal retry path.
    }
    if (this.stopped || this.ws || seq !== this.connectSeq) return;
    const url = this.opts.url();
    if (!url) {
      this.onDown();
      return;
    }
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(url);
    } catch {
      this.onDown();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const resync = this.wasDown;
      this.attempt = 0;
      this.failures = 0;
      this.wasDown = false;
      this.stopResync();
      this.startPing();
      for (const id of this.conversations.keys()) this.send({ action: "subscribe", conversation_id: id });
      this.setStatus("connected");
      if (resync) this.runResync();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws === ws) this.dispatch(event.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onDown();
    };
    // onerror is always followed by onclose; nothing to do here.
    ws.onerror = () => undefined;
  }

  private onDown(): void {
    this.stopPing();
    if (this.stopped) return;
    this.wasDown = true;
    this.failures += 1;
    const browserOffline = typeof navigator !== "undefined" && navigator.onLine === false;
    this.setStatus(browserOffline || this.failures >= this.opts.offlineAfterFailures ? "offline" : "connecting");
    this.startResync();
    const delay = this.opts.backoff(this.attempt);
    this.attempt += 1;
    this.clearReconnect();
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private dispatch(raw: unknown): void {
    if (typeof raw !== "string") return;
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return;
    }
    if (!event || typeof event !== "object" || typeof (event as { type?: unknown }).type !== "string") return;
    const typed = event as RealtimeEvent;
    if (typed.type === "pong") return;
    for (const key of [typed.type, "*"]) {
      for (const handler of this.handlers.get(key) ?? []) {
        try {
          handler(typed);
        } catch (err) {
          console.error(`realtime handler for "${typed.type}" failed`, err);
        }
      }
    }
  }

  private runResync(): void {
    for (const fn of this.resyncers) {
      try {
        fn();
      } catch (err) {
        console.error("realtime resync failed", err);
      }
    }
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => this.send({ action: "ping" }), this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private startResync(): void {
    if (this.resyncTimer) return;
    this.resyncTimer = setInterval(() => this.runResync(), this.opts.resyncIntervalMs);
  }

  private stopResync(): void {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.resyncTimer = null;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private readonly onBrowserOnline = (): void => {
    if (this.status !== "connected") this.reconnectNow();
  };

  private readonly onBrowserOffline = (): void => {
    if (this.status !== "connected") this.setStatus("offline");
  };
}

/** `ws(s)://<host>/ws?token=<access>` for the page's origin. */
export function realtimeUrl(access: string, origin: string = window.location.origin): string {
  return `${origin.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(access)}`;
}
