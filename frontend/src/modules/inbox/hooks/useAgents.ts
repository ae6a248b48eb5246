/**
 * Whom the signed-in person may assign conversations to (GET /api/inbox/agents), with presence kept live by
 * the `presence` events the server pushes to admins and managers. `null` = not allowed (agents).
 */
import { useEffect, useState } from "react";

import { useRealtimeEvent, useResync } from "@/hooks/useRealtime";

import { inboxApi } from "../api";
import type { Agent, Presence } from "../types";

const PRESENCES: Presence[] = ["online", "away", "offline"];

export function useAgents(role: string | undefined): Agent[] | null {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    let alive = true;
    void inboxApi.agents().then(async (list) => {
      const next = list ?? (role === "admin" ? await inboxApi.users().catch(() => null) : null);
      if (alive) setAgents(next);
    });
    return () => {
      alive = false;
    };
  }, [role, seq]);

  useResync(() => setSeq((n) => n + 1));

  useRealtimeEvent("presence", (event) => {
    const id = typeof event.user_id === "string" ? event.user_id : null;
    const presence = PRESENCES.find((p) => p === event.presence);
    if (!id || !presence) return; // a customer's presence on a conversation has no user_id
    setAgents((list) =>
      list ? list.map((a) => (a.id === id ? { ...a, presence, online: presence === "online" } : a)) : list,
    );
  });

  return agents;
}
