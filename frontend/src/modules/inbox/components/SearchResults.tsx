import { Loader2, MessageSquareText } from "lucide-react";
import { useEffect, useState } from "react";

import { useApiQuery } from "@/hooks/useApiQuery";
import { cn } from "@/lib/utils";

import { listStamp } from "../lib/format";
import { highlight, MIN_SEARCH, searchInbox, type MessageHit } from "../lib/search";
import { useInbox } from "../stores/inbox";

function Snippet({ text, terms }: { text: string; terms: string[] }) {
  return (
    <span className="text-muted-foreground line-clamp-2 text-xs" data-testid="search-snippet">
      {highlight(text, terms).map((p, i) =>
        p.hit ? (
          <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-foreground dark:bg-amber-500/40">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
}

function HitRow({ hit }: { hit: MessageHit }) {
  const select = useInbox((s) => s.select);
  const selected = useInbox((s) => s.selectedId === hit.conversation_id);
  return (
    <li>
      <button
        type="button"
        data-testid="search-message-result"
        data-conversation-id={hit.conversation_id}
        onClick={() => select(hit.conversation_id)}
        className={cn(
          "hover:bg-muted/60 flex w-full flex-col gap-0.5 border-b px-3 py-2 text-left transition-colors",
          selected && "bg-muted",
        )}
      >
        <span className="flex items-baseline justify-between gap-2">
          <span className="truncate text-sm font-medium">{hit.contact_name || hit.phone || "Contato"}</span>
          <span className="text-muted-foreground shrink-0 text-[11px]">{listStamp(hit.at)}</span>
        </span>
        <span className="flex gap-1">
          {hit.direction === "out" ? <span className="text-muted-foreground shrink-0 text-xs">Você:</span> : null}
          <Snippet text={hit.snippet} terms={hit.terms} />
        </span>
      </button>
    </li>
  );
}

/** The "Mensagens" section of the inbox search: messages whose text has the typed words, newest first. */
export function SearchResults({ q, className }: { q: string; className?: string }) {
  const query = q.trim();
  const active = query.length >= MIN_SEARCH;
  const { data, loading, fetching } = useApiQuery(
    (signal) => (active ? searchInbox(q, null, signal) : Promise.resolve(null)),
    [q, active],
  );
  const [more, setMore] = useState<MessageHit[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    setMore([]);
    setCursor(data?.next_cursor ?? null);
  }, [data]);

  if (!active) return null;
  const hits = [...(data?.messages ?? []), ...more];

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await searchInbox(q, cursor);
      setMore((m) => [...m, ...page.messages]);
      setCursor(page.next_cursor);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section aria-label="Mensagens" data-testid="search-messages" className={cn("flex min-h-0 flex-col border-b", className)}>
      <h3 className="text-muted-foreground flex items-center gap-1.5 px-3 pt-2 pb-1 text-[11px] font-semibold tracking-wide uppercase">
        <MessageSquareText className="size-3.5" /> Mensagens
        {fetching ? <Loader2 className="size-3 animate-spin" /> : null}
      </h3>
      <ul className="min-h-0 overflow-y-auto">
        {hits.map((hit) => (
          <HitRow key={`${hit.conversation_id}:${hit.message_id}`} hit={hit} />
        ))}
        {!loading && hits.length === 0 ? (
          <li className="text-muted-foreground px-3 pb-2 text-xs" data-testid="search-messages-empty">
            Nenhuma mensagem com “{query}”
          </li>
        ) : null}
        {cursor ? (
          <li className="px-3 py-1.5">
            <button
              type="button"
              onClick={() => void loadMore()}
              disabled={loadingMore}
              className="text-primary text-xs font-medium hover:underline disabled:opacity-50"
            >
              {loadingMore ? "Carregando…" : "Mais mensagens"}
            </button>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
