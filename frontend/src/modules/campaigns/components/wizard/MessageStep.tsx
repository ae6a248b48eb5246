import { Loader2, Paperclip, Plus, Trash2, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { useApiQuery } from "@/hooks/useApiQuery";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Tabs, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import { EmojiPickerButton } from "@/modules/inbox/components/EmojiPickerButton";

import { campaignsApi } from "../../api";
import type { Draft } from "../../stores/draft";
import { WhatsAppPreview } from "../WhatsAppPreview";

/** WhatsApp's limits: a text message, and a file's caption. */
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const ACCEPT = "image/jpeg,image/png,image/webp,video/mp4,audio/mpeg,audio/ogg,audio/mp4,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.zip";

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
  const fileInput = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  /** Preview URLs of the variants' files (an upload's, or fetched for a saved draft), by key. */
  const [urls, setUrls] = useState<Record<string, string>>({});
  const index = Math.min(active, draft.variants.length - 1);
  const variant = draft.variants[index];
  const mediaKey = variant.media?.key;
  const limit = variant.media ? MAX_CAPTION : MAX_TEXT;

  useEffect(() => {
    if (!mediaKey || urls[mediaKey]) return;
    const controller = new AbortController();
    campaignsApi
      .mediaUrl(mediaKey, controller.signal)
      .then((url) => setUrls((prev) => ({ ...prev, [mediaKey]: url })))
      .catch(() => undefined);
    return () => controller.abort();
  }, [mediaKey, urls]);

  function setText(text: string) {
    onChange({ variants: draft.variants.map((v, i) => (i === index ? { ...v, text } : v)) });
  }

  function setMedia(media: Draft["variants"][number]["media"]) {
    onChange({ variants: draft.variants.map((v, i) => (i === index ? { ...v, media } : v)) });
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    setUploading(true);
    try {
      const done = await campaignsApi.uploadMedia(file);
      setUrls((prev) => ({ ...prev, [done.key]: done.preview_url }));
      setMedia({ key: done.key, mimetype: done.mimetype, file_name: done.file_name });
      toast.success("Arquivo anexado à variação.");
    } catch (err) {
      if (err instanceof Error && err.message === "Falha ao enviar o arquivo.") toast.error(err.message);
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = "";
    }
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
        <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
          <div className="grid content-start gap-2">
            <Label htmlFor="campaign-text">{variant.media ? "Legenda" : "Mensagem"}</Label>
            <Textarea
              id="campaign-text"
              ref={textarea}
              rows={6}
              className="min-h-32"
              maxLength={limit}
              placeholder="Olá {{nome}}, temos uma novidade para você!"
              value={variant.text}
              onChange={(e) => setText(e.target.value)}
            />
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="flex flex-wrap items-center gap-2">
                <EmojiPickerButton onPick={insert} />
                <input
                  ref={fileInput}
                  type="file"
                  className="hidden"
                  accept={ACCEPT}
                  data-testid="campaign-media-input"
                  onChange={(e) => void upload(e.target.files?.[0])}
                />
                <Button
                  type="button"
                  variant="outline"
                  size="sm"
                  disabled={uploading}
                  onClick={() => fileInput.current?.click()}
                >
                  {uploading ? <Loader2 className="animate-spin" /> : <Paperclip />}
                  {variant.media ? "Trocar arquivo" : "Anexar imagem, vídeo, áudio ou documento"}
                </Button>
                {variant.media ? (
                  <span className="bg-muted inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs" data-testid="campaign-media">
                    {variant.media.file_name}
                    <button type="button" aria-label="Remover arquivo" onClick={() => setMedia(null)}>
                      <X className="size-3" />
                    </button>
                  </span>
                ) : null}
              </div>
              <span
                className={variant.text.length > limit * 0.9 ? "text-destructive text-xs" : "text-muted-foreground text-xs"}
                data-testid="char-count"
              >
                {variant.text.length} / {limit} caracteres
              </span>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <span className="text-muted-foreground text-xs">Inserir variável:</span>
              {variables.map((v) => (
                <Button key={v.token} type="button" variant="secondary" size="sm" title={v.label} onClick={() => insert(v.token)}>
                  {v.token}
                </Button>
              ))}
            </div>
          </div>
          <WhatsAppPreview text={variant.text} media={variant.media} mediaUrl={mediaKey ? urls[mediaKey] : null} />
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
