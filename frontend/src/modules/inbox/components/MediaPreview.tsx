import { AlertCircle, Download, FileText, Loader2, MapPin, Mic, RotateCw, UserRound } from "lucide-react";
import { useState, type ReactNode } from "react";

import { cn } from "@/lib/utils";

import { useMediaUrl, type MediaUrlState } from "../hooks/useMediaUrl";
import { formatBytes } from "../lib/media";
import type { Message } from "../types";
import { Lightbox } from "./Lightbox";

const NOUN: Record<string, string> = {
  image: "a imagem",
  sticker: "a figurinha",
  audio: "o áudio",
  video: "o vídeo",
  document: "o arquivo",
};

/** The placeholder while a file is not playable: downloading, asking its URL, or failed (with a retry). */
function Pending({ kind, state, children }: { kind: string; state: MediaUrlState; children?: ReactNode }) {
  const noun = NOUN[kind] ?? "a mídia";
  if (state.phase === "failed") {
    return (
      <div data-testid="media-failed" className="flex flex-wrap items-center gap-2 rounded-md border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-700">
        <AlertCircle className="size-4 shrink-0" />
        <span>Não foi possível baixar {noun}.</span>
        {state.retry ? (
          <button
            type="button"
            disabled={state.retrying}
            onClick={() => void state.retry?.()}
            className="flex items-center gap-1 font-semibold underline-offset-2 hover:underline disabled:opacity-60"
          >
            <RotateCw className={cn("size-3", state.retrying && "animate-spin")} /> Tentar novamente
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div
      data-testid="media-loading"
      data-phase={state.phase}
      className="text-muted-foreground flex min-h-10 items-center gap-2 rounded-md bg-black/5 px-2 py-1.5 text-xs"
    >
      <Loader2 className="size-4 shrink-0 animate-spin" />
      <span>{state.phase === "downloading" ? `Baixando ${noun}…` : `Carregando ${noun}…`}</span>
      {children}
    </div>
  );
}

function ImageMedia({ message, state }: { message: Message; state: MediaUrlState }) {
  const [open, setOpen] = useState(false);
  const sticker = message.kind === "sticker";
  const title = message.media?.caption || message.text || (sticker ? "Figurinha" : "Imagem");
  if (!state.url) return <Pending kind={message.kind} state={state} />;
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Ampliar ${sticker ? "figurinha" : "imagem"}`}
        className="block cursor-zoom-in overflow-hidden rounded-md"
      >
        <img
          src={state.url}
          alt={title}
          data-testid="media-image"
          onError={state.refresh}
          className={cn("rounded-md object-cover", sticker ? "size-32 object-contain" : "max-h-64 min-h-16 max-w-full min-w-16")}
        />
      </button>
      {open ? (
        <Lightbox open={open} onOpenChange={setOpen} url={state.url} title={title} fileName={message.media?.file_name} />
      ) : null}
    </>
  );
}

function AudioMedia({ message, state }: { message: Message; state: MediaUrlState }) {
  const voice = Boolean(message.media?.ptt);
  return (
    <div className="flex flex-col gap-1">
      {voice ? (
        <div className="text-muted-foreground flex items-center gap-1 text-[11px] font-medium" data-testid="voice-note">
          <Mic className="size-3" /> Mensagem de voz
        </div>
      ) : null}
      {state.url ? (
        <audio controls preload="metadata" src={state.url} onError={state.refresh} className="h-10 w-64 max-w-full" data-testid="audio-player" />
      ) : (
        <Pending kind="audio" state={state} />
      )}
    </div>
  );
}

function DocumentMedia({ message, state }: { message: Message; state: MediaUrlState }) {
  const name = message.media?.file_name || "arquivo";
  const size = formatBytes(message.media?.size);
  return (
    <div data-testid="media-document" className="flex min-w-48 items-center gap-2 rounded-md border bg-black/5 px-2 py-1.5 text-sm">
      <FileText className="size-6 shrink-0 opacity-80" />
      <div className="min-w-0 flex-1">
        <div className="truncate font-medium" title={name} data-testid="document-name">
          {name}
        </div>
        {size ? <div className="text-muted-foreground text-[11px]">{size}</div> : null}
        {state.phase === "failed" || state.phase === "downloading" ? (
          <div className="mt-1">
            <Pending kind="document" state={state} />
          </div>
        ) : null}
      </div>
      {state.url ? (
        <a
          href={state.url}
          download={name}
          aria-label={`Baixar ${name}`}
          title="Baixar"
          data-testid="document-download"
          className="hover:bg-black/10 rounded-md p-1.5"
        >
          <Download className="size-4" />
        </a>
      ) : state.phase === "loading" ? (
        <Loader2 className="size-4 animate-spin opacity-60" />
      ) : null}
    </div>
  );
}

function StoredMedia({ message }: { message: Message }) {
  const state = useMediaUrl(message);
  switch (message.kind) {
    case "image":
    case "sticker":
      return <ImageMedia message={message} state={state} />;
    case "audio":
      return <AudioMedia message={message} state={state} />;
    case "video":
      return state.url ? (
        <video controls preload="metadata" src={state.url} onError={state.refresh} className="max-h-64 max-w-full rounded-md" data-testid="media-video" />
      ) : (
        <Pending kind="video" state={state} />
      );
    default:
      return <DocumentMedia message={message} state={state} />;
  }
}

const FILE_KINDS = new Set(["image", "sticker", "audio", "video", "document"]);

/** A message's media: images (lightbox), stickers, video, audio and voice notes, documents, location, contact. */
export function MediaPreview({ message }: { message: Message }) {
  if (FILE_KINDS.has(message.kind) && message.media) return <StoredMedia message={message} />;
  if (message.kind === "location") {
    return (
      <div className="flex items-center gap-1 text-sm">
        <MapPin className="size-4" /> Localização
      </div>
    );
  }
  if (message.kind === "contact") {
    return (
      <div className="flex items-center gap-1 text-sm">
        <UserRound className="size-4" /> Contato compartilhado
      </div>
    );
  }
  return null;
}
