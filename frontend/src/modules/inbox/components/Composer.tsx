import { Loader2, Paperclip, SendHorizontal, StickyNote } from "lucide-react";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { ReadOnlyHint, useReadOnly } from "@/modules/billing";

import { inboxApi } from "../api";
import { useTypingNotifier } from "../hooks/useActivity";
import { useMediaUpload } from "../hooks/useMediaUpload";
import { useInbox } from "../stores/inbox";
import { useReply } from "../stores/reply";
import type { QuickReply } from "../types";
import { EmojiPickerButton } from "./EmojiPickerButton";
import { ReplyPreview } from "./QuotedBlock";
import { UploadStatus } from "./UploadStatus";
import { VoiceRecorder } from "./VoiceRecorder";

/** "/sho" at the start of the text → "/sho" (the quick-reply prefix), else null. */
export function quickReplyPrefix(text: string): string | null {
  const m = /^\/(\S*)$/.exec(text);
  return m ? `/${m[1] ?? ""}` : null;
}

function useQuickReplies(prefix: string | null): QuickReply[] {
  const [items, setItems] = useState<QuickReply[]>([]);
  useEffect(() => {
    if (prefix === null) {
      setItems([]);
      return undefined;
    }
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      inboxApi
        .quickReplies(prefix, ctrl.signal)
        .then(setItems)
        .catch(() => setItems([]));
    }, 150);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [prefix]);
  return items;
}

export function Composer({ conversationId, disabled }: { conversationId: string; disabled?: boolean }) {
  const readOnly = useReadOnly() !== null;
  const [text, setText] = useState("");
  const [note, setNote] = useState(false);
  const [busy, setBusy] = useState(false);
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const fileInput = useRef<HTMLInputElement | null>(null);
  const textarea = useRef<HTMLTextAreaElement | null>(null);
  const addMessages = useInbox((s) => s.addMessages);
  const typing = useTypingNotifier(conversationId);
  const replyTo = useReply((s) => s.byConversation[conversationId]);
  const cancelReply = useReply((s) => s.cancel);
  const upload = useMediaUpload(conversationId);

  const prefix = note || dismissed ? null : quickReplyPrefix(text);
  const replies = useQuickReplies(prefix);
  const popupOpen = prefix !== null && replies.length > 0;

  useEffect(() => setHighlight(0), [prefix]);
  useEffect(() => {
    setText("");
    setNote(false);
  }, [conversationId]);

  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo]);

  /** Put the emoji where the caret is (replacing a selection) and keep the caret after it. */
  const insertEmoji = (emoji: string) => {
    const el = textarea.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? start;
    setText(text.slice(0, start) + emoji + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  const choose = (reply: QuickReply) => {
    setText(reply.text);
    setDismissed(true);
    textarea.current?.focus();
  };

  const send = async () => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    try {
      const message = note
        ? await inboxApi.addNote(conversationId, body)
        : await inboxApi.sendText(conversationId, body, replyTo?.id);
      if (message?.id) addMessages(conversationId, [message]);
      if (!note) {
        cancelReply(conversationId);
        toast.success("Mensagem enviada!", { id: "message-sent" });
      }
      setText("");
      setDismissed(false);
    } catch {
      // toasted; the text stays so nothing typed is lost
    } finally {
      setBusy(false);
      textarea.current?.focus();
    }
  };

  const attach = async (file: File) => {
    const caption = text.trim();
    const mimetype = file.type || "application/octet-stream";
    const sent = await upload.send({ file, fileName: file.name, mimetype, ...(caption ? { caption } : {}) });
    if (sent) setText("");
    if (fileInput.current) fileInput.current.value = "";
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (popupOpen) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setHighlight((h) => (h + step + replies.length) % replies.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        const reply = replies[highlight] ?? replies[0];
        if (reply) choose(reply);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissed(true);
        return;
      }
    }
    if (e.key === "Escape" && replyTo) {
      e.preventDefault();
      cancelReply(conversationId);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <div className={cn("relative border-t p-3", note && "bg-amber-50")}>
      {popupOpen ? (
        <ul
          role="listbox"
          aria-label="Respostas rápidas"
          data-testid="quick-replies"
          className="bg-popover absolute right-3 bottom-full left-3 mb-1 max-h-56 overflow-y-auto rounded-md border p-1 shadow-md"
        >
          {replies.map((r, i) => (
            <li
              key={r.id}
              role="option"
              aria-selected={i === highlight}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(r);
              }}
              className={cn("cursor-pointer rounded px-2 py-1.5 text-sm", i === highlight && "bg-muted")}
            >
              <span className="font-mono font-semibold">/{r.shortcut.replace(/^\//, "")}</span>{" "}
              <span className="text-muted-foreground line-clamp-1">{r.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {note ? null : <ReplyPreview conversationId={conversationId} />}
      <UploadStatus state={upload.state} onDismiss={upload.dismiss} />
      <div className="flex items-end gap-2">
        <input
          ref={fileInput}
          type="file"
          className="hidden"
          data-testid="attachment-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void attach(file);
          }}
        />
        <Button
          type="button"
          variant="ghost"
          size="icon"
          aria-label="Anexar arquivo"
          disabled={disabled || busy || upload.busy || note}
          onClick={() => fileInput.current?.click()}
        >
          <Paperclip />
        </Button>
        <Button
          type="button"
          variant={note ? "secondary" : "ghost"}
          size="icon"
          aria-label="Nota interna"
          aria-pressed={note}
          title="Nota interna (não é enviada ao contato)"
          disabled={disabled}
          onClick={() => setNote((n) => !n)}
          className={cn(note && "bg-amber-200 text-amber-900 hover:bg-amber-300")}
        >
          <StickyNote />
        </Button>
        <EmojiPickerButton onPick={insertEmoji} disabled={disabled} />
        <textarea
          ref={textarea}
          aria-label={note ? "Nota interna" : "Mensagem"}
          data-testid="composer-input"
          rows={1}
          value={text}
          disabled={disabled}
          placeholder={note ? "Escreva uma nota interna (só a equipe vê)" : "Mensagem (/ para respostas rápidas)"}
          onChange={(e) => {
            setText(e.target.value);
            if (!note && e.target.value) typing();
            if (!e.target.value.startsWith("/")) setDismissed(false);
          }}
          onKeyDown={onKeyDown}
          className="border-input bg-background placeholder:truncate max-h-40 min-h-9 min-w-0 flex-1 resize-none rounded-md border px-3 py-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring/50"
        />
        {note ? null : (
          <VoiceRecorder
            key={conversationId} /* another conversation discards a recording in progress */
            disabled={disabled || upload.busy}
            onRecorded={(r) => void upload.send({ file: r.blob, fileName: r.fileName, mimetype: r.mimetype, ptt: true })}
          />
        )}
        <ReadOnlyHint>
          <Button type="button" size="icon" aria-label="Enviar" disabled={disabled || readOnly || busy || !text.trim()} onClick={() => void send()}>
            {busy ? <Loader2 className="animate-spin" /> : <SendHorizontal />}
          </Button>
        </ReadOnlyHint>
      </div>
    </div>
  );
}
