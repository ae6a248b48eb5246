/** A live, WhatsApp-style preview of one variant: the chat wallpaper, an outgoing bubble with the file (image,
 * video, audio or document) and the text as a sample contact would read it. */
import { CheckCheck, FileText } from "lucide-react";
import type { ReactNode } from "react";

import type { CampaignMedia } from "../types";

/** The sample contact the preview renders variables with. */
export const SAMPLE: Record<string, string> = {
  nome: "Maria",
  primeiro_nome: "Maria",
  first_name: "Maria",
  nome_completo: "Maria Souza",
  name: "Maria Souza",
  telefone: "+5511987654321",
  phone: "+5511987654321",
  email: "maria@exemplo.com.br",
};

/** {{variável|padrão}} with the sample contact (or the fallback), spintax {a|b} as its first option. */
export function renderSample(text: string): string {
  const vars = text.replace(/\{\{\s*([\wÀ-ÿ.]+)\s*(?:\|([^{}]*))?\}\}/g, (_, name: string, fallback?: string) => {
    const key = name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    return SAMPLE[key] ?? (fallback ?? "").trim();
  });
  let out = vars;
  for (let i = 0; i < 20; i++) {
    const next = out.replace(/\{([^{}]*)\}/g, (_, options: string) => options.split("|")[0]);
    if (next === out) break;
    out = next;
  }
  return out.replace(/[ \t]{2,}/g, " ").trim();
}

/** WhatsApp's *negrito*, _itálico_ and ~riscado~. */
function formatted(text: string): ReactNode[] {
  const parts = text.split(/(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~)/g);
  return parts.map((part, i) => {
    if (/^\*[^*]+\*$/.test(part)) return <strong key={i}>{part.slice(1, -1)}</strong>;
    if (/^_[^_]+_$/.test(part)) return <em key={i}>{part.slice(1, -1)}</em>;
    if (/^~[^~]+~$/.test(part)) return <s key={i}>{part.slice(1, -1)}</s>;
    return <span key={i}>{part}</span>;
  });
}

export function WhatsAppPreview({
  text,
  media,
  mediaUrl,
}: {
  text: string;
  media?: CampaignMedia | null;
  mediaUrl?: string | null;
}) {
  const rendered = renderSample(text);
  const kind = media ? (media.mimetype.split("/")[0] as string) : null;
  const playable = Boolean(mediaUrl) && (kind === "image" || kind === "video" || kind === "audio");
  const time = new Date().toLocaleTimeString("pt-BR", { hour: "2-digit", minute: "2-digit" });
  return (
    <div
      className="flex min-h-72 flex-col rounded-xl border bg-[#efeae2] p-3 dark:bg-[#0b141a]"
      data-testid="whatsapp-preview"
      aria-label="Pré-visualização no WhatsApp"
    >
      <div className="mb-3 flex items-center gap-2 rounded-lg bg-[#008069] px-3 py-2 text-sm font-medium text-white">
        <span className="grid size-7 place-items-center rounded-full bg-white/25 text-xs">M</span>
        Maria Souza
      </div>
      <div className="ml-auto max-w-[85%] rounded-lg rounded-tr-none bg-[#d9fdd3] p-1 text-sm text-[#111b21] shadow-sm dark:bg-[#005c4b] dark:text-[#e9edef]">
        {media && kind === "image" && mediaUrl ? (
          <img src={mediaUrl} alt={media.file_name} className="mb-1 max-h-64 w-full rounded-md object-cover" data-testid="preview-image" />
        ) : null}
        {media && kind === "video" && mediaUrl ? (
          <video src={mediaUrl} controls className="mb-1 max-h-64 w-full rounded-md" data-testid="preview-video" />
        ) : null}
        {media && kind === "audio" && mediaUrl ? <audio src={mediaUrl} controls className="mb-1 w-60" /> : null}
        {media && !playable ? (
          <div className="mb-1 flex items-center gap-2 rounded-md bg-black/5 p-2" data-testid="preview-document">
            <FileText className="size-6 shrink-0 text-[#54656f]" />
            <span className="truncate">{media.file_name}</span>
          </div>
        ) : null}
        {rendered ? (
          <p className="px-1.5 pt-0.5 break-words whitespace-pre-wrap" data-testid="preview-text">
            {formatted(rendered)}
          </p>
        ) : null}
        <div className="flex items-center justify-end gap-1 px-1.5 text-[11px] text-[#667781] dark:text-[#8696a0]">
          {time}
          <CheckCheck className="size-3.5 text-[#53bdeb]" />
        </div>
      </div>
      {!rendered && !media ? (
        <p className="text-muted-foreground m-auto text-center text-xs">A pré-visualização aparece aqui.</p>
      ) : null}
    </div>
  );
}
