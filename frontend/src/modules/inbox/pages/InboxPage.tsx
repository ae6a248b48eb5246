import { useEffect, useMemo, useState } from "react";

import { useAuth } from "@/stores/auth";

import { inboxApi } from "../api";
import { ChatPane } from "../components/ChatPane";
import { ContactPanel } from "../components/ContactPanel";
import { NoNumberHint } from "../components/NoNumberHint";
import { ConversationList } from "../components/ConversationList";
import { useActivityFeed } from "../hooks/useActivity";
import { useAgents } from "../hooks/useAgents";
import { useInboxCounts } from "../hooks/useInboxCounts";
import { useInboxRealtime } from "../hooks/useInboxRealtime";
import { useInboxRoute } from "../hooks/useInboxRoute";
import type { Viewer } from "../lib/filters";
import { useInbox } from "../stores/inbox";
import type { Department, InstanceSummary } from "../types";

/** Flow Chat — the shared inbox: conversation list, chat pane and contact panel, live over the WebSocket. */
export function InboxPage() {
  const user = useAuth((s) => s.user);
  const viewer = useMemo<Viewer | null>(
    () => (user ? { id: user.id, role: user.role, department_id: user.department_id } : null),
    [user],
  );
  const [departments, setDepartments] = useState<Department[]>([]);
  const [instances, setInstances] = useState<InstanceSummary[]>([]);
  const agents = useAgents(user?.role);
  const hasSelection = useInbox((s) => s.selectedId !== null);
  const selectedId = useInbox((s) => s.selectedId);

  useInboxRealtime();
  useActivityFeed(selectedId);

  useEffect(() => {
    useInbox.getState().setViewer(viewer);
  }, [viewer]);

  // A new visit (or another user) starts from a clean list.
  useEffect(() => {
    const store = useInbox.getState();
    store.reset();
    // "Ver clientes insatisfeitos" (the dashboard) opens the inbox on every unhappy customer
    if (new URLSearchParams(window.location.search).get("mood") === "neg") store.setFilters({ mood: "neg" });
    else void store.loadList();
    // the admin may have changed the waiting thresholds since the app loaded
    void useInboxCounts.getState().loadSettings();
    return () => useInbox.getState().reset();
  }, [user?.id]);

  const { back } = useInboxRoute(); // after the reset above: the URL's conversation opens on a clean list

  useEffect(() => {
    const ctrl = new AbortController();
    inboxApi
      .departments(ctrl.signal)
      .then(setDepartments)
      .catch(() => undefined);
    void inboxApi.instances().then(setInstances);
    return () => ctrl.abort();
  }, [user?.role]);

  if (!viewer) return null;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <NoNumberHint />
      <div className="flex min-h-0 flex-1" data-testid="inbox">
      <ConversationList
        departments={departments}
        instances={instances}
        className={hasSelection ? "hidden w-full border-r md:flex md:w-80 lg:w-96" : "flex w-full border-r md:w-80 lg:w-96"}
      />
      <div className={hasSelection ? "flex min-w-0 flex-1" : "hidden min-w-0 flex-1 md:flex"}>
        <ChatPane viewer={viewer} departments={departments} agents={agents} onBack={back} />
        <ContactPanel departments={departments} instances={instances} />
      </div>
      </div>
    </div>
  );
}
