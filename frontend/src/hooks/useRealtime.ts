/**
 * React side of the realtime channel. <RealtimeProvider> (mounted by the app shell) owns one
 * RealtimeClient while a session exists and closes it on unmount. Modules use:
 *   useRealtimeStatus()                          → "connected" | "connecting" | "offline"
 *   useRealtimeEvent("message_received", fn)     → handle events of a type
 *   useResync(refetch)                           → refetch while down (every 10 s) and once on reconnect
 *   useConversationSubscription(conversationId)  → join a conversation's group while mounted
 *   useRealtime({ onResync })                    → all of the above in one object
 */
import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";

import { ensureFreshAccess } from "@/lib/api";
import { RealtimeClient, realtimeUrl, type RealtimeHandler, type RealtimeStatus } from "@/lib/ws";
import { useAuth } from "@/stores/auth";

const RealtimeContext = createContext<RealtimeClient | null>(null);

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const hasSession = useAuth((s) => s.access !== null);
  const [client] = useState(
    () =>
      new RealtimeClient({
        url: () => {
          const access = useAuth.getState().access;
          return access ? realtimeUrl(access) : null;
        },
        beforeConnect: () => ensureFreshAccess(),
      }),
  );

  useEffect(() => {
    if (!hasSession) return undefined;
    client.start();
    return () => client.stop();
  }, [client, hasSession]);

  return createElement(RealtimeContext.Provider, { value: client }, children);
}

export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error("useRealtime* hooks need a <RealtimeProvider> above them");
  return client;
}

export function useRealtimeStatus(): RealtimeStatus {
  const client = useRealtimeClient();
  return useSyncExternalStore(
    (cb) => client.onStatusChange(cb),
    () => client.getStatus(),
  );
}

/** Call `handler` for each event of `type` ("*" for every event). The latest handler is used. */
export function useRealtimeEvent(type: string, handler: RealtimeHandler): void {
  const client = useRealtimeClient();
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => client.on(type, (event) => ref.current(event)), [client, type]);
}

/** Run `refetch` every 10 s while the channel is down, and once when it reconnects. */
export function useResync(refetch: (() => void) | undefined): void {
  const client = useRealtimeClient();
  const ref = useRef(refetch);
  useEffect(() => {
    ref.current = refetch;
  });
  useEffect(() => client.addResync(() => ref.current?.()), [client]);
}

/** Receive the events of one conversation while the calling component is mounted. */
export function useConversationSubscription(conversationId: string | null | undefined): void {
  const client = useRealtimeClient();
  useEffect(() => {
    if (!conversationId) return undefined;
    client.subscribe(conversationId);
    return () => client.unsubscribe(conversationId);
  }, [client, conversationId]);
}

export interface UseRealtimeOptions {
  onResync?: () => void;
}

export function useRealtime(options: UseRealtimeOptions = {}) {
  const client = useRealtimeClient();
  const status = useRealtimeStatus();
  useResync(options.onResync);
  return {
    status,
    client,
    on: client.on.bind(client),
    subscribe: client.subscribe.bind(client),
    unsubscribe: client.unsubscribe.bind(client),
    send: client.send.bind(client),
  };
}
