import { Loader2, Search } from "lucide-react";
import { useEffect, useRef, useState } from "react";

import { ContactAvatar } from "@/components/ContactAvatar";
import { ErrorState } from "@/components/ErrorState";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";

import { countLabel, useInboxCounts } from "../hooks/useInboxCounts";
import { listStamp, unreadCount } from "../lib/format";
import { MoodBadge } from "./MoodBadge";
import { MIN_SEARCH } from "../lib/search";
import { useInbox } from "../stores/inbox";
import type { AssigneeFilter, Department, InboxCounts, InboxSort, InboxView, InstanceSummary } from "../types";
import { InboxAlertControls } from "./InboxAlertControls";
import { SearchResults } from "./SearchResults";
import { WaitTimer } from "./WaitTimer";

const STATUS_TABS: { value: InboxView; label: string }[] = [
  { value: "inbox", label: "Atender" },
  { value: "open", label: "Abertas" },
  { value: "pending", label: "Pendentes" },
  { value: "closed", label: "Fechadas" },
];

const ASSIGNEE_OPTIONS: { value: AssigneeFilter; label: string }[] = [
  { value: "me", label: "Minhas" },
  { value: "none", label: "Fila" },
  { value: "", label: "Todas" },
];

/** Which count each status tab shows (Fechadas has none: it only grows). */
const TAB_COUNT: Partial<Record<string, keyof InboxCounts>> = {
  inbox: "inbox",
  open: "open",
  pending: "pending",
};

/** The owner tabs are counted where the count means what the list shows: Minhas under Abertas, Fila under
 * Pendentes (every pending chat is unassigned). */
function ownerCount(status: InboxView, value: string): keyof InboxCounts | undefined {
  if (value === "me" && status === "open") return "mine";
  if (value === "none" && status === "pending") return "pending";
  return undefined;
}

/** Longest waiting first makes sense where customers wait: the default view and the queue. */
const SORTABLE: InboxView[] = ["inbox", "pending"];

const selectClass =
  "border-input bg-background h-8 min-w-0 flex-1 rounded-md border px-2 text-xs outline-none focus-visible:ring-2 focus-visible:ring-ring/50";

function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  counts,
  countFor = (v) => TAB_COUNT[v],
}: {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
  counts?: InboxCounts | null;
  countFor?: (value: T) => keyof InboxCounts | undefined;
}) {
  return (
    <div role="tablist" aria-label={label} className="bg-muted flex rounded-md p-0.5">
      {options.map((o) => (
        <button
          key={o.value || "all"}
          type="button"
          role="tab"
          aria-selected={value === o.value}
          onClick={() => onChange(o.value)}
          className={cn(
            "flex-1 rounded px-1.5 py-1 text-xs font-medium whitespace-nowrap transition-colors",
            value === o.value ? "bg-background shadow-sm" : "text-muted-foreground hover:text-foreground",
          )}
        >
          {o.label}
          <TabCount counts={counts} name={countFor(o.value)} />
        </button>
      ))}
    </div>
  );
}

function TabCount({ counts, name }: { counts?: InboxCounts | null; name?: keyof InboxCounts }) {
  if (!counts || !name || !counts[name]) return null;
  return (
    <span
      data-testid="tab-count"
      className="bg-primary/10 text-primary ml-1 inline-flex min-w-4 justify-center rounded-full px-1 text-[10px] font-semibold"
    >
      {countLabel(counts[name], counts.cap)}
    </span>
  );
}

function Filters({ departments, instances }: { departments: Department[]; instances: InstanceSummary[] }) {
  const filters = useInbox((s) => s.filters);
  const setFilters = useInbox((s) => s.setFilters);
  const counts = useInboxCounts((s) => s.counts);
  const [q, setQ] = useState(filters.q);

  useEffect(() => {
    if (q === filters.q) return undefined;
    const t = setTimeout(() => setFilters({ q }), 300);
    return () => clearTimeout(t);
  }, [q, filters.q, setFilters]);

  return (
    <div className="space-y-2 border-b p-3">
      <Segmented
        label="Situação"
        options={STATUS_TABS}
        value={filters.status}
        counts={counts}
        onChange={(status) => setFilters(SORTABLE.includes(status) ? { status } : { status, sort: "newest" })}
      />
      {filters.status !== "inbox" ? (
        <Segmented
          label="Responsável"
          options={ASSIGNEE_OPTIONS}
          value={filters.assignee}
          counts={counts}
          countFor={(v) => ownerCount(filters.status, v)}
          onChange={(assignee) => setFilters({ assignee })}
        />
      ) : null}
      {SORTABLE.includes(filters.status) ? (
        <select
          aria-label="Ordenar conversas"
          className={selectClass + " w-full"}
          value={filters.sort}
          onChange={(e) => setFilters({ sort: e.target.value as InboxSort })}
        >
          <option value="newest">Mais recentes primeiro</option>
          <option value="oldest">Esperando há mais tempo primeiro</option>
        </select>
      ) : null}
      <div className="relative">
        <Search className="text-muted-foreground absolute top-2 left-2 size-4" />
        <Input
          aria-label="Buscar conversas"
          placeholder="Buscar nome, telefone ou mensagem"
          className="h-8 pl-8 text-sm"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <div className="flex items-center gap-2">
        <select
          aria-label="Filtrar por departamento"
          className={selectClass}
          value={filters.department_id}
          onChange={(e) => setFilters({ department_id: e.target.value })}
        >
          <option value="">Todos os departamentos</option>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        {instances.length > 1 ? (
          <select
            aria-label="Filtrar por número"
            className={selectClass}
            value={filters.instance_id}
            onChange={(e) => setFilters({ instance_id: e.target.value })}
          >
            <option value="">Todos os números</option>
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        ) : null}
        <button
          type="button"
          aria-pressed={filters.unread}
          onClick={() => setFilters({ unread: !filters.unread })}
          className={cn(
            "h-8 shrink-0 rounded-md border px-2 text-xs font-medium",
            filters.unread ? "border-primary bg-primary text-primary-foreground" : "text-muted-foreground",
          )}
        >
          Não lidas
          <TabCount counts={counts} name="unread" />
        </button>
        <button
          type="button"
          data-testid="filter-unhappy"
          aria-pressed={filters.mood === "neg"}
          onClick={() => setFilters({ mood: filters.mood === "neg" ? "" : "neg" })}
          className={cn(
            "h-8 shrink-0 rounded-md border px-2 text-xs font-medium",
            filters.mood === "neg" ? "border-red-600 bg-red-600 text-white" : "text-muted-foreground",
          )}
        >
          Clientes insatisfeitos
        </button>
      </div>
    </div>
  );
}

function ConversationRow({ id }: { id: string }) {
  const c = useInbox((s) => s.byId[id]);
  const selected = useInbox((s) => s.selectedId === id);
  const select = useInbox((s) => s.select);
  if (!c) return null;
  const unread = unreadCount(c);
  const name = c.contact_name || c.phone || "Contato";
  return (
    <li>
      <button
        type="button"
        data-testid="conversation-item"
        data-conversation-id={c.id}
        aria-current={selected ? "true" : undefined}
        onClick={() => select(c.id)}
        className={cn(
          "hover:bg-muted/60 flex w-full items-center gap-3 border-b px-3 py-2.5 text-left transition-colors",
          selected && "bg-muted",
        )}
      >
        <ContactAvatar name={name} url={c.avatar_url} group={c.is_group} className="size-10" />
        <div className="min-w-0 flex-1">
          <div className="flex items-baseline justify-between gap-2">
            <span className="flex min-w-0 items-center gap-1.5">
              <span className={cn("truncate text-sm", unread ? "font-semibold" : "font-medium")}>{name}</span>
              <MoodBadge mood={c.mood} compact={c.mood !== "neg"} />
            </span>
            <span className={cn("shrink-0 text-[11px]", unread ? "text-emerald-600" : "text-muted-foreground")}>
              {listStamp(c.last_message_at)}
            </span>
          </div>
          <div className="flex items-center justify-between gap-2">
            <span className="text-muted-foreground truncate text-xs" data-testid="conversation-preview">
              {c.last_message_direction === "out" ? "Você: " : ""}
              {c.last_message_preview ?? ""}
            </span>
            {unread > 0 ? (
              <span
                data-testid="unread-badge"
                aria-label={`${unread} não lidas`}
                className="flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-emerald-500 px-1.5 text-[11px] font-semibold text-white"
              >
                {unread > 99 ? "99+" : unread}
              </span>
            ) : null}
          </div>
          {c.assigned_user_name || (c.waiting_since && c.status !== "closed") ? (
            <div className="flex items-center justify-between gap-2">
              <span className="text-muted-foreground truncate text-[11px]">{c.assigned_user_name ?? ""}</span>
              {c.status !== "closed" ? <WaitTimer since={c.waiting_since} /> : null}
            </div>
          ) : null}
        </div>
      </button>
    </li>
  );
}

export function ConversationList({
  departments,
  instances,
  className,
}: {
  departments: Department[];
  instances: InstanceSummary[];
  className?: string;
}) {
  const order = useInbox((s) => s.order);
  const loaded = useInbox((s) => s.listLoaded);
  const loading = useInbox((s) => s.listLoading);
  const failed = useInbox((s) => s.listFailed);
  const loadingMore = useInbox((s) => s.loadingMore);
  const hasMore = useInbox((s) => s.nextCursor !== null);
  const loadMore = useInbox((s) => s.loadMore);
  const sentinel = useRef<HTMLLIElement | null>(null);
  const q = useInbox((s) => s.filters.q);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loadMore, order.length]);

  return (
    <section aria-label="Conversas" className={cn("flex min-h-0 flex-col", className)}>
      <InboxAlertControls />
      <Filters departments={departments} instances={instances} />
      <SearchResults q={q} className="max-h-[45%] shrink-0" />
      {q.trim().length >= MIN_SEARCH ? (
        <h3 className="text-muted-foreground px-3 pt-2 pb-1 text-[11px] font-semibold tracking-wide uppercase">Conversas</h3>
      ) : null}
      <ul className="min-h-0 flex-1 overflow-y-auto" data-testid="conversation-list">
        {failed ? (
          <li className="p-3">
            <ErrorState what="as conversas" onRetry={() => useInbox.getState().loadList()} className="py-8" />
          </li>
        ) : null}
        {order.map((id) => (
          <ConversationRow key={id} id={id} />
        ))}
        {loaded && !failed && order.length === 0 ? (
          <li className="text-muted-foreground p-6 text-center text-sm" data-testid="conversation-list-empty">
            {q.trim() ? "Nenhuma conversa encontrada" : "Nenhuma conversa ainda"}
          </li>
        ) : null}
        {hasMore ? (
          <li ref={sentinel} className="text-muted-foreground flex justify-center p-3 text-xs">
            {loadingMore ? <Loader2 className="size-4 animate-spin" /> : "Carregando mais…"}
          </li>
        ) : null}
        {!loaded && !failed && loading ? (
          <li className="text-muted-foreground flex justify-center p-6">
            <Loader2 className="size-5 animate-spin" />
          </li>
        ) : null}
      </ul>
    </section>
  );
}
