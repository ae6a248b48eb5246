import { Reply, SmilePlus } from "lucide-react";
import { useState } from "react";

import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { cn } from "@/lib/utils";

import { inboxApi } from "../api";
import { useInbox } from "../stores/inbox";
import { useReply } from "../stores/reply";
import type { Message } from "../types";
import { canAct } from "../lib/reply";

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

/** Hover (or long-press) actions of a bubble: "Responder" and a reaction picker. */
export function MessageActions({ message }: { message: Message }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const start = useReply((s) => s.start);
  // a closed chat is read-only until it is reopened
  const closed = useInbox((s) => s.open?.id === message.conversation_id && s.open?.status === "closed");
  if (closed || !canAct(message)) return null;

  const react = async (emoji: string) => {
    const mine = typeof message.reactions?.me === "string" ? message.reactions.me : "";
    try {
      const updated = await inboxApi.react(message.conversation_id, message.id, mine === emoji ? "" : emoji);
      if (updated?.id) useInbox.getState().addMessages(message.conversation_id, [updated]);
    } catch {
      // toasted by the API client
    }
  };

  return (
    <div
      data-testid="message-actions"
      data-message-id={message.id}
      className={cn(
        "flex items-center gap-0.5 self-center px-1 opacity-0 transition-opacity group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-100",
        menuOpen && "opacity-100",
        message.direction === "out" && "order-first",
      )}
    >
      <button
        type="button"
        aria-label="Responder"
        title="Responder"
        onClick={() => start(message)}
        className="text-muted-foreground hover:bg-muted hover:text-foreground rounded-full p-1"
      >
        <Reply className="size-4" />
      </button>
      <DropdownMenu open={menuOpen} onOpenChange={setMenuOpen}>
        <DropdownMenuTrigger asChild>
          <button
            type="button"
            aria-label="Reagir"
            title="Reagir"
            className="text-muted-foreground hover:bg-muted hover:text-foreground rounded-full p-1"
          >
            <SmilePlus className="size-4" />
          </button>
        </DropdownMenuTrigger>
        <DropdownMenuContent className="flex min-w-0 gap-0.5 p-1" data-testid="reaction-picker">
          {QUICK_REACTIONS.map((emoji) => (
            <DropdownMenuItem
              key={emoji}
              aria-label={`Reagir com ${emoji}`}
              className="cursor-pointer px-1.5 py-1 text-lg"
              onSelect={() => void react(emoji)}
            >
              {emoji}
            </DropdownMenuItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>
    </div>
  );
}
