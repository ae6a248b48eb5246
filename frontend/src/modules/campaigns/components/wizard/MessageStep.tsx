import { Plus, Trash2 } from "lucide-react";
import { useRef, useState } from "react";

import { Button } from "@/components/ui/button";
import { useApiQuery } from "@/hooks/useApiQuery";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";

import { campaignsApi } from "../../api";
import type { Draft } from "../../stores/draft";

export const VARIABLES = [
  { token: "{{nome}}", label: "Primeiro nome" },
  { token: "{{nome_completo}}", label: "Nome completo" },
  { token: "{{telefone}}", label: "Telefone" },
] as const;

const MAX_VARIANTS = 5;

export function MessageStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  const [active, setActive] = useState(0);
  const fields = useApiQuery((signal) => campaignsApi.contactFields(signal), []);
  const variables = [
    ...VARIABLES,
    ...(fields.data ?? []).map((f) => ({ token: `{{${f.name}}}`, label: f.label || f.name })),
  ];
  const textarea = useRef<HTMLTextAreaElement>(null);
  const index = Math.min(active, draft.variants.length - 1);
  const variant = draft.variants[index];

  function setText(text: string) {
    onChange({ variants: draft.variants.map((v, i) => (i === index ? { ...v, text } : v)) });
  }

  function insert(token: string) {
    const el = textarea.current;
    const text = variant.text;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + token + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  function addVariant() {
    onChange({ variants: [...draft.variants, { text: "" }] });
    setActive(draft.variants.length);
  }

  function removeVariant() {
    if (draft.variants.length <= 1) return;
    onChange({ variants: draft.variants.filter((_, i) => i !== index) });
    setActive(Math.max(0, index - 1));
  }

  return (
    <div className="grid gap-5">
      <div className="grid gap-2">
        <Label htmlFor="campaign-name">Nome da campanha</Label>
        <Input
          id="campaign-name"
          maxLength={120}
          placeholder="Ex.: Promoção de inverno"
          value={draft.name}
          onChange={(e) => onChange({ name: e.target.value })}
        />
      </div>

      <div className="grid gap-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Tabs value={String(index)} onValueChange={(v) => setActive(Number(v))}>
            <TabsList>
              {draft.variants.map((_, i) => (
                <TabsTrigger key={i} value={String(i)}>
                  Variação {i + 1}
                </TabsTrigger>
              ))}
            </TabsList>
          </Tabs>
          <div className="flex gap-2">
            {draft.variants.length > 1 ? (
              <Button type="button" variant="ghost" size="sm" onClick={removeVariant}>
                <Trash2 />
                Remover variação
              </Button>
            ) : null}
            {draft.variants.length < MAX_VARIANTS ? (
              <Button type="button" variant="outline" size="sm" onClick={addVariant}>
                <Plus />
                Adicionar variação
              </Button>
            ) : null}
          </div>
        </div>
        <Label htmlFor="campaign-text">Mensagem</Label>
        <Textarea
          id="campaign-text"
          ref={textarea}
          rows={6}
          className="min-h-32"
          placeholder="Olá {{nome}}, temos uma novidade para você!"
          value={variant.text}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-muted-foreground text-xs">Inserir variável:</span>
          {variables.map((v) => (
            <Button key={v.token} type="button" variant="secondary" size="sm" title={v.label} onClick={() => insert(v.token)}>
              {v.token}
            </Button>
          ))}
        </div>
        <p className="text-muted-foreground text-xs">
          Dicas: <code>{"{{nome|cliente}}"}</code> usa “cliente” quando o contato não tem nome;{" "}
          <code>{"{Olá|Oi|Bom dia}"}</code> escolhe uma das opções em cada envio (spintax). Cada destinatário recebe uma
          das variações, sorteada — variar o texto reduz o risco de bloqueio do número.
        </p>
      </div>
    </div>
  );
}
