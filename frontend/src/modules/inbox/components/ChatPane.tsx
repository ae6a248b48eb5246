import { ArrowLeft, ArrowLeftRight, CheckCircle2, Loader2, MessagesSquare, RotateCcw, UserCheck, UserPlus, UserRound } from "lucide-react";
import { Fragment, useLayoutEffect, useRef, useState } from "react";
import { toast } from "sonner";

import { EmptyState } from "@/components/EmptyState";
import { ContactAvatar } from "@/components/ContactAvatar";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

import { inboxApi } from "../api";
import { visibleTo, type Viewer } from "../lib/filters";
import { dayLabel, messageTime, sameDay } from "../lib/format";
import { useContactSheet } from "../stores/contactPanel";
import { useInbox } from "../stores/inbox";
import type { Agent, Conversation, Department, Message } from "../types";
import { AssignDialog, TransferDialog } from "./ActionDialogs";
import { CustomerTyping, TeamActivity } from "./ActivityLine";
import { ChatHeaderActions } from "./ChatHeaderActions";
import { ClosedChatNotice } from "./ClosedChatNotice";
import { Composer } from "./Composer";
import { MessageBubble } from "./MessageBubble";

const STATUS_LABEL: Record<string, string> = { open: "Aberta", pending: "Pendente", closed: "Fechada" };
const EMPTY: Message[] = [];

function Messages({ conversationId }: { conversationId: string }) {
  const items = useInbox((s) => s.threads[conversationId]?.items ?? EMPTY);
  const loaded = useInbox((s) => s.threads[conversationId]?.loaded ?? false);
  const loadingOlder = useInbox((s) => s.threads[conversationId]?.loadingOlder ?? false);
  const hasOlder = useInbox((s) => !!s.threads[conversationId]?.olderCursor);
  const loadOlder = useInbox((s) => s.loadOlder);
  const box = useRef<HTMLDivElement | null>(null);
  const nearBottom = useRef(true);
  const prev = useRef<{ cid: string; first?: string; last?: string; height: number }>({ cid: "", height: 0 });

  const retry = async (m: Message) => {
    try {
      const updated = await inboxApi.retry(conversationId, m.id);
      if (updated?.id) useInbox.getState().addMessages(conversationId, [{ ...updated, status: updated.status ?? "pending" }]);
    } catch {
      // toasted
    }
  };

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = prev.current;
    const first = items[0]?.id;
    const last = items[items.length - 1]?.id;
    if (p.cid !== conversationId) {
      el.scrollTop = el.scrollHeight;
      nearBottom.current = true;
    } else if (first !== p.first && last === p.last) {
      el.scrollTop += el.scrollHeight - p.height; // older page prepended: keep what the person was reading
    } else if (last !== p.last && nearBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prev.current = { cid: conversationId, first, last, height: el.scrollHeight };
  }, [conversationId, items]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (el.scrollTop < 60 && hasOlder) void loadOlder(conversationId);
  };

  return (
    <div ref={box} onScroll={onScroll} className="bg-muted/30 min-h-0 flex-1 overflow-y-auto px-4 py-3" data-testid="chat-messages">
      {hasOlder ? (
        <div className="flex justify-center py-2">
          {loadingOlder ? (
            <Loader2 className="text-muted-foreground size-4 animate-spin" />
          ) : (
            <Button variant="ghost" size="sm" onClick={() => void loadOlder(conversationId)}>
              Carregar anteriores
            </Button>
          )}
        </div>
      ) : null}
      {!loaded ? (
        <div className="flex justify-center py-8">
          <Loader2 className="text-muted-foreground size-5 animate-spin" />
        </div>
      ) : null}
      <div className="space-y-1.5">
        {items.map((m, i) => {
          const before = items[i - 1];
          const separator = !before || !sameDay(messageTime(before), messageTime(m));
          return (
            <Fragment key={m.id}>
              {separator && messageTime(m) ? (
                <div className="flex justify-center py-2" data-testid="day-separator">
                  <span className="bg-background text-muted-foreground rounded-full border px-3 py-0.5 text-[11px] font-medium shadow-sm">
                    {dayLabel(messageTime(m))}
                  </span>
                </div>
              ) : null}
              {m.kind === "reaction" ? null : <MessageBubble message={m} onRetry={(x) => void retry(x)} />}
            </Fragment>
          );
        })}
      </div>
    </div>
  );
}

export function ChatPane({
  viewer,
  departments,
  agents,
  onBack,
}: {
  viewer: Viewer;
  departments: Department[];
  agents: Agent[] | null;
  /** Back to the conversation list (shown on narrow screens). */
  onBack?: () => void;
}) {
  const conversation = useInbox((s) => s.open);
  const selectedId = useInbox((s) => s.selectedId);
  const [transferOpen, setTransferOpen] = useState(false);
  const [assignOpen, setAssignOpen] = useState(false);

  if (!selectedId) {
    return (
      <div className="flex min-h-0 flex-1 items-center justify-center p-6">
        <EmptyState
          icon={MessagesSquare}
          title="Selecione uma conversa"
          description="Escolha uma conversa na lista para ler e responder."
          className="border-none"
        />
      </div>
    );
  }

  const c: Conversation = conversation ?? { id: selectedId };
  const name = c.contact_name || c.phone || "Contato";
  const closed = c.status === "closed";
  const mine = !!c.assigned_user_id && c.assigned_user_id === viewer.id;

  const apply = (updated: Conversation, done: string) => {
    const store = useInbox.getState();
    store.upsertConversation(updated);
    if (!visibleTo({ ...c, ...updated }, viewer)) store.removeConversation(updated.id ?? c.id, true);
    toast.success(done);
  };

  const run = async (call: () => Promise<Conversation>, done: string) => {
    try {
      apply(await call(), done);
    } catch {
      // toasted by the API client
    }
  };

  return (
    <section aria-label="Conversa" className="flex min-h-0 min-w-0 flex-1 flex-col" data-testid="chat-pane">
      <header className="flex items-center gap-x-3 gap-y-2 border-b px-2 py-2 sm:px-4 lg:flex-wrap">
        {onBack ? (
          <Button size="icon" variant="ghost" className="shrink-0 md:hidden" aria-label="Voltar para a lista" data-testid="chat-back" onClick={onBack}>
            <ArrowLeft />
          </Button>
        ) : null}
        <ContactAvatar name={name} url={c.avatar_url} group={c.is_group} />
        <div className="min-w-0 flex-1 lg:min-w-40">
          <div className="truncate text-sm font-semibold" data-testid="chat-title">
            {name}
          </div>
          <div className="text-muted-foreground flex items-center gap-2 text-xs">
            <span className="truncate">{c.phone ?? ""}</span>
            <CustomerTyping conversationId={c.id} />
            {c.status ? <Badge variant="secondary">{STATUS_LABEL[c.status] ?? c.status}</Badge> : null}
          </div>
          <TeamActivity conversationId={c.id} />
        </div>
        <Button
          size="sm"
          variant="outline"
          className="shrink-0 xl:hidden"
          aria-label="Contato"
          onClick={() => useContactSheet.getState().setOpen(true)}
        >
          <UserRound /> <span className="hidden sm:inline">Contato</span>
        </Button>
        <ChatHeaderActions
          actions={[
            ...(!mine && !closed
              ? [{ key: "take", label: "Assumir", icon: UserCheck, onSelect: () => void run(() => inboxApi.assign(c.id, viewer.id), "Conversa assumida") }]
              : []),
            ...(agents !== null && agents.length > 0 && !closed
              ? [{ key: "assign", label: "Atribuir", icon: UserPlus, onSelect: () => setAssignOpen(true) }]
              : []),
            ...(!closed ? [{ key: "transfer", label: "Transferir", icon: ArrowLeftRight, onSelect: () => setTransferOpen(true) }] : []),
            closed
              ? { key: "reopen", label: "Reabrir", icon: RotateCcw, onSelect: () => void run(() => inboxApi.reopen(c.id), "Conversa reaberta") }
              : { key: "close", label: "Encerrar", icon: CheckCircle2, onSelect: () => void run(() => inboxApi.close(c.id), "Conversa encerrada") },
          ]}
        />
      </header>
      <Messages conversationId={c.id} />
      {closed ? <ClosedChatNotice onReopen={() => void run(() => inboxApi.reopen(c.id), "Conversa reaberta")} /> : null}
      <Composer conversationId={c.id} disabled={closed} />
      <TransferDialog
        open={transferOpen}
        onOpenChange={setTransferOpen}
        departments={departments}
        agents={agents}
        currentDepartmentId={c.department_id}
        onConfirm={async (departmentId, userId) => {
          const updated = await inboxApi.transfer(c.id, departmentId, userId);
          apply(updated, "Conversa transferida");
        }}
      />
      {agents !== null ? (
        <AssignDialog
          open={assignOpen}
          onOpenChange={setAssignOpen}
          agents={agents}
          onConfirm={async (userId) => {
            const updated = await inboxApi.assign(c.id, userId);
            apply(updated, "Conversa atribuída");
          }}
        />
      ) : null}
    </section>
  );
}
