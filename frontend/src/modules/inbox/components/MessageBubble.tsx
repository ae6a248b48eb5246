import { AlertCircle, Check, CheckCheck, Clock, RotateCw, StickyNote } from "lucide-react";

import { cn } from "@/lib/utils";

import { timeOf } from "../lib/format";
import type { Message } from "../types";
import { MediaPreview } from "./MediaPreview";
import { MessageActions } from "./MessageActions";
import { MoodBadge } from "./MoodBadge";
import { MessageQuote } from "./QuotedBlock";

const STATUS_LABEL: Record<string, string> = {
  pending: "Enviando",
  unknown: "Enviando",
  sent: "Enviada",
  delivered: "Entregue",
  read: "Lida",
  played: "Reproduzida",
  failed: "Falhou",
};

/** pending clock, sent ✓, delivered ✓✓ grey, read/played ✓✓ blue, failed red. */
export function Ticks({ status }: { status: string | null | undefined }) {
  const s = status ?? "pending";
  const label = STATUS_LABEL[s] ?? s;
  const common = { "data-testid": "message-ticks", "data-status": s, "aria-label": label, role: "img" } as const;
  if (s === "failed") return <AlertCircle {...common} className="size-3.5 text-red-600" />;
  if (s === "read" || s === "played") return <CheckCheck {...common} className="size-3.5 text-sky-500" />;
  if (s === "delivered") return <CheckCheck {...common} className="text-muted-foreground size-3.5" />;
  if (s === "sent") return <Check {...common} className="text-muted-foreground size-3.5" />;
  return <Clock {...common} className="text-muted-foreground size-3" />;
}

export function MessageBubble({ message, onRetry }: { message: Message; onRetry?: (m: Message) => void }) {
  const out = message.direction === "out";
  const note = message.kind === "note";
  const failed = message.status === "failed";
  const body = message.text ?? message.media?.caption ?? null;
  const author = out ? message.sent_by_name : message.author_name;
  const reactions = Object.values(message.reactions ?? {}).filter((v): v is string => typeof v === "string");

  return (
    <div className={cn("group flex", out || note ? "justify-end" : "justify-start")}>
      <div
        data-testid="message-bubble"
        data-message-id={message.id}
        data-direction={message.direction}
        data-kind={message.kind}
        data-status={message.status ?? ""}
        data-sentiment={message.sentiment ?? ""}
        className={cn(
          "relative max-w-[75%] rounded-lg px-3 py-1.5 text-sm shadow-sm",
          note
            ? "border border-amber-300 bg-amber-100 text-amber-950"
            : out
              ? "bg-emerald-100 text-emerald-950 dark:bg-emerald-900 dark:text-emerald-50"
              : "bg-background border",
          failed && "border border-red-300",
        )}
      >
        {note ? (
          <div className="mb-0.5 flex items-center gap-1 text-[11px] font-semibold text-amber-800">
            <StickyNote className="size-3" /> Nota interna{author ? ` · ${author}` : ""}
          </div>
        ) : author && (out || message.author_name) ? (
          <div className="text-muted-foreground mb-0.5 text-[11px] font-medium">{author}</div>
        ) : null}
        {message.deleted ? (
          <div className="text-muted-foreground italic">Mensagem apagada</div>
        ) : (
          <>
            <MessageQuote message={message} />
            <MediaPreview message={message} />
            {body && message.kind !== "reaction" ? (
              <div className="break-words whitespace-pre-wrap" data-testid="message-text">
                {body}
              </div>
            ) : null}
          </>
        )}
        <div className="mt-0.5 flex items-center justify-end gap-1 text-[10px] opacity-70">
          {message.sentiment && !out ? (
            <MoodBadge
              mood={message.sentiment}
              testId="message-mood"
              className="opacity-0 transition-opacity group-hover:opacity-100 focus:opacity-100"
            />
          ) : null}
          <span>{timeOf(message.sent_at ?? message.created_at)}</span>
          {out && !note ? <Ticks status={message.status} /> : null}
        </div>
        {reactions.length > 0 ? (
          <div className="bg-background absolute -bottom-3 left-2 rounded-full border px-1 text-xs" data-testid="message-reactions">
            {reactions.join(" ")}
          </div>
        ) : null}
        {failed ? (
          <div className="mt-1 flex items-center justify-between gap-2 border-t border-red-200 pt-1 text-xs text-red-700">
            <span data-testid="failure-reason">{message.failure_reason || "Não foi possível enviar."}</span>
            {onRetry ? (
              <button
                type="button"
                onClick={() => onRetry(message)}
                className="flex shrink-0 items-center gap-1 font-semibold underline-offset-2 hover:underline"
              >
                <RotateCw className="size-3" /> Tentar novamente
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <MessageActions message={message} />
    </div>
  );
}
