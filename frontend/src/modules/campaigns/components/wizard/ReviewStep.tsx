import { AlertTriangle } from "lucide-react";
import { useEffect, useMemo, useState } from "react";

import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useApiQuery } from "@/hooks/useApiQuery";
import { formatApiError } from "@/lib/api";

import { campaignsApi } from "../../api";
import { WEEKDAYS } from "../../format";
import type { Draft } from "../../stores/draft";
import type { PreviewResult } from "../../types";
import { contactLabel } from "./AudienceStep";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-2 text-sm">
      <dt className="text-muted-foreground">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

type PreviewState = { status: "idle" | "loading" } | { status: "done"; results: (PreviewResult | string)[] };

export function ReviewStep({ draft }: { draft: Draft }) {
  const firstTag = draft.tags[0] ?? "";
  const contacts = useApiQuery((signal) => campaignsApi.searchContacts("", signal, firstTag || undefined), [firstTag]);
  const instances = useApiQuery((signal) => campaignsApi.instances(signal), []);
  // Contacts of the audience first (tag match or picked), so the preview shows someone who will receive it.
  const candidates = useMemo(() => {
    const all = contacts.data ?? [];
    const inAudience = all.filter(
      (c) => draft.contactIds.includes(c.id) || (c.tags ?? []).some((t) => draft.tags.includes(t)),
    );
    return (inAudience.length ? inAudience : all).slice(0, 50);
  }, [contacts.data, draft.contactIds, draft.tags]);
  const [contactId, setContactId] = useState<string>("");
  const chosen = contactId || candidates[0]?.id || "";
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const texts = draft.variants.map((v) => v.text).join("\u0000");

  useEffect(() => {
    if (!chosen) return undefined;
    let live = true;
    setPreview({ status: "loading" });
    void Promise.all(
      draft.variants.map((v) =>
        campaignsApi.preview([v], chosen).catch((err: unknown) => formatApiError(err as Parameters<typeof formatApiError>[0])),
      ),
    ).then((results) => {
      if (live) setPreview({ status: "done", results });
    });
    return () => {
      live = false;
    };
  }, [chosen, texts]);

  const names = new Map((instances.data ?? []).map((i) => [i.id, i.name]));
  const p = draft.pacing;
  const missing = new Set(
    preview.status === "done"
      ? preview.results.flatMap((r) => (typeof r === "string" ? [] : (r.missing_variables ?? [])))
      : [],
  );

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <dl className="grid content-start gap-2" data-testid="campaign-review">
        <Row label="Nome">{draft.name}</Row>
        <Row label="Variações">{draft.variants.length}</Row>
        <Row label="Etiquetas">{draft.tags.length ? draft.tags.join(", ") : "—"}</Row>
        <Row label="Contatos avulsos">{draft.contactIds.length || "—"}</Row>
        <Row label="Números">{draft.instanceIds.map((id) => names.get(id) ?? id).join(", ")}</Row>
        <Row label="Intervalo">
          {p.min_delay_s}–{p.max_delay_s} s por número
        </Row>
        <Row label="Janela">
          {p.window_start === "00:00" && p.window_end === "00:00" ? "o dia todo" : `${p.window_start}–${p.window_end}`},{" "}
          {p.weekdays.length === 7 ? "todos os dias" : p.weekdays.slice().sort((a, b) => a - b).map((d) => WEEKDAYS[d]).join(", ")}
        </Row>
        <Row label="Limite diário">{p.daily_cap_per_number} por número</Row>
        <Row label="Janela de resposta">{draft.replyWindowH} h</Row>
        <Row label="Início">
          {draft.scheduleMode === "now"
            ? "Agora"
            : new Date(draft.scheduleLocal).toLocaleString("pt-BR", { dateStyle: "short", timeStyle: "short" })}
        </Row>
      </dl>

      <div className="grid content-start gap-3">
        <div className="flex items-center gap-2">
          <span className="text-sm font-medium">Pré-visualizar para</span>
          {candidates.length ? (
            <Select value={chosen} onValueChange={setContactId}>
              <SelectTrigger className="w-80 max-w-full" aria-label="Contato da pré-visualização" data-testid="preview-contact">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {candidates.map((c) => (
                  <SelectItem key={c.id} value={c.id}>
                    {contactLabel(c)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          ) : (
            <span className="text-muted-foreground text-sm">{contacts.loading ? "Carregando…" : "nenhum contato"}</span>
          )}
        </div>
        {draft.variants.map((v, i) => {
          const result = preview.status === "done" ? preview.results[i] : undefined;
          return (
            <div key={i} className="grid gap-1">
              {draft.variants.length > 1 ? (
                <span className="text-muted-foreground text-xs">Variação {i + 1}</span>
              ) : null}
              <div
                className="rounded-lg rounded-tl-none bg-emerald-50 p-3 text-sm whitespace-pre-wrap shadow-xs dark:bg-emerald-950/40"
                data-testid="preview"
                data-ready={preview.status === "done" ? "true" : "false"}
              >
                {!chosen
                  ? v.text
                  : preview.status !== "done"
                    ? "Gerando pré-visualização…"
                    : typeof result === "string"
                      ? result
                      : (result?.rendered ?? "")}
              </div>
            </div>
          );
        })}
        {missing.size ? (
          <p className="flex items-start gap-2 text-sm text-amber-700 dark:text-amber-400" data-testid="missing-variables">
            <AlertTriangle className="mt-0.5 size-4 shrink-0" />
            Este contato não tem: {[...missing].join(", ")}. Sem um valor padrão (<code>{"{{variavel|padrão}}"}</code>),
            o trecho fica vazio.
          </p>
        ) : null}
      </div>
    </div>
  );
}
