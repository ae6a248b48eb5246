import { Search, Tag, X } from "lucide-react";
import { useEffect, useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useApiQuery } from "@/hooks/useApiQuery";
import { cn } from "@/lib/utils";

import { campaignsApi } from "../../api";
import type { Draft } from "../../stores/draft";
import type { ContactLite } from "../../types";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function contactLabel(c: ContactLite): string {
  return c.name ? `${c.name} (${c.phone})` : c.phone;
}

export function AudienceStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  const tags = useApiQuery((signal) => campaignsApi.tags(signal), []);
  // One key for the whole audience: the count is asked again (debounced) whenever it changes.
  const audienceKey = JSON.stringify([draft.tags, draft.contactIds]);
  const debouncedKey = useDebounced(audienceKey, 250);
  const count = useApiQuery((signal) => {
    const [tags, ids] = JSON.parse(debouncedKey) as [string[], string[]];
    return tags.length || ids.length ? campaignsApi.audienceCount(tags, ids, signal) : Promise.resolve(0);
  }, [debouncedKey]);
  const [q, setQ] = useState("");
  const debouncedQ = useDebounced(q.trim(), 300);
  const found = useApiQuery(
    (signal) => (debouncedQ ? campaignsApi.searchContacts(debouncedQ, signal) : Promise.resolve([] as ContactLite[])),
    [debouncedQ],
  );

  function toggleTag(tag: string) {
    onChange({ tags: draft.tags.includes(tag) ? draft.tags.filter((t) => t !== tag) : [...draft.tags, tag] });
  }

  function addContact(c: ContactLite) {
    if (draft.contactIds.includes(c.id)) return;
    onChange({ contactIds: [...draft.contactIds, c.id], contactLabels: { ...draft.contactLabels, [c.id]: contactLabel(c) } });
  }

  function removeContact(id: string) {
    onChange({ contactIds: draft.contactIds.filter((x) => x !== id) });
  }

  const tagList = tags.data ?? [];
  const counting = audienceKey !== debouncedKey || count.fetching;
  const empty = draft.tags.length === 0 && draft.contactIds.length === 0;

  return (
    <div className="grid gap-6">
      <div className="grid gap-2">
        <Label>Etiquetas</Label>
        {tags.loading ? (
          <p className="text-muted-foreground text-sm">Carregando etiquetas…</p>
        ) : tagList.length === 0 ? (
          <p className="text-muted-foreground text-sm">Nenhuma etiqueta ainda. Etiquete contatos na página Contatos.</p>
        ) : (
          <div className="flex flex-wrap gap-2" data-testid="audience-tags">
            {tagList.map(({ tag, count: n }) => {
              const on = draft.tags.includes(tag);
              return (
                <button
                  key={tag}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggleTag(tag)}
                  className={cn(
                    "inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm transition-colors",
                    on ? "bg-primary text-primary-foreground border-primary" : "hover:bg-accent",
                  )}
                >
                  <Tag className="size-3.5" />
                  {tag}
                  {n ? <span className={cn("text-xs", on ? "opacity-80" : "text-muted-foreground")}>{n}</span> : null}
                </button>
              );
            })}
          </div>
        )}

      </div>

      <div className="grid gap-2">
        <Label htmlFor="audience-search">Contatos avulsos</Label>
        <div className="relative">
          <Search className="text-muted-foreground absolute top-2.5 left-2.5 size-4" />
          <Input
            id="audience-search"
            className="pl-8"
            placeholder="Buscar por nome ou telefone"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        {debouncedQ && (found.data?.length ?? 0) > 0 ? (
          <ul className="max-h-48 divide-y overflow-auto rounded-md border text-sm">
            {(found.data ?? []).slice(0, 20).map((c) => (
              <li key={c.id} className="flex items-center justify-between gap-2 px-3 py-1.5">
                <span className="truncate">{contactLabel(c)}</span>
                <Button
                  type="button"
                  size="sm"
                  variant="ghost"
                  disabled={draft.contactIds.includes(c.id)}
                  onClick={() => addContact(c)}
                >
                  {draft.contactIds.includes(c.id) ? "Adicionado" : "Adicionar"}
                </Button>
              </li>
            ))}
          </ul>
        ) : debouncedQ && !found.fetching ? (
          <p className="text-muted-foreground text-sm">Nenhum contato encontrado.</p>
        ) : null}
        {draft.contactIds.length ? (
          <div className="flex flex-wrap gap-2">
            {draft.contactIds.map((id) => (
              <Badge key={id} variant="secondary" className="gap-1">
                {draft.contactLabels[id] ?? id}
                <button type="button" aria-label="Remover contato" onClick={() => removeContact(id)}>
                  <X />
                </button>
              </Badge>
            ))}
          </div>
        ) : null}
      </div>
      <p
        className="rounded-md border px-3 py-2 text-sm"
        data-testid="audience-count"
        data-count={counting || empty ? "" : String(count.data ?? 0)}
      >
        {empty ? (
          <span className="text-muted-foreground">Escolha etiquetas ou contatos para formar o público.</span>
        ) : counting && count.data === undefined ? (
          "Contando…"
        ) : (
          <>
            Público: <strong className="tabular-nums">{count.data ?? 0}</strong> contatos
            {counting ? <span className="text-muted-foreground"> (atualizando…)</span> : null}
          </>
        )}
      </p>
      <p className="text-muted-foreground text-xs">
        Contatos descadastrados (que pediram para sair) nunca recebem campanhas, mesmo que tenham a etiqueta.
      </p>
    </div>
  );
}
