import { X } from "lucide-react";

import { cn } from "@/lib/utils";

import { useInbox } from "../stores/inbox";
import { quoteText } from "../lib/reply";
import { useReply } from "../stores/reply";
import type { Message } from "../types";

/** The quoted message above a reply: in a bubble, and in the composer while replying (with ✕ to cancel). */
export function QuotedBlock({
  author,
  text,
  onCancel,
  className,
}: {
  author: string;
  text: string;
  onCancel?: () => void;
  className?: string;
}) {
  return (
    <div
      data-testid={onCancel ? "composer-quote" : "message-quote"}
      className={cn(
        "flex items-start gap-2 rounded-md border-l-4 border-emerald-500 bg-black/5 px-2 py-1 text-xs dark:bg-white/10",
        className,
      )}
    >
      <div className="min-w-0 flex-1">
        <div className="font-semibold text-emerald-700 dark:text-emerald-300">{author}</div>
        <div className="text-muted-foreground line-clamp-2 break-words whitespace-pre-wrap">{text}</div>
      </div>
      {onCancel ? (
        <button
          type="button"
          aria-label="Cancelar resposta"
          onClick={onCancel}
          className="text-muted-foreground hover:text-foreground shrink-0 rounded p-0.5"
        >
          <X className="size-4" />
        </button>
      ) : null}
    </div>
  );
}

/** The quote inside a bubble: who wrote the quoted message ("Você" for ours) and its short text. */
export function MessageQuote({ message }: { message: Message }) {
  const quoted = message.quoted;
  const contactName = useInbox((s) => (s.open?.id === message.conversation_id ? s.open?.contact_name || s.open?.phone : null));
  const original = useInbox((s) =>
    quoted ? s.threads[message.conversation_id]?.items.find((m) => m.id === quoted.id || m.wamid === quoted.id) : undefined,
  );
  if (!quoted) return null;
  const ours = original ? original.direction === "out" : quoted.from_me === true;
  return (
    <QuotedBlock
      author={ours ? "Você" : original?.author_name || contactName || "Contato"}
      text={quoted.text || (original ? quoteText(original) : "Mensagem")}
      className="mb-1"
    />
  );
}

/** Above the composer while replying: the quoted message, ✕ (or Esc in the composer) cancels. */
export function ReplyPreview({ conversationId }: { conversationId: string }) {
  const target = useReply((s) => s.byConversation[conversationId]);
  const cancel = useReply((s) => s.cancel);
  const contactName = useInbox((s) => (s.open?.id === conversationId ? s.open?.contact_name || s.open?.phone : null));
  if (!target) return null;
  const author = target.direction === "out" ? "Você" : target.author_name || contactName || "Contato";
  return <QuotedBlock author={author} text={quoteText(target)} onCancel={() => cancel(conversationId)} className="mb-2" />;
}
