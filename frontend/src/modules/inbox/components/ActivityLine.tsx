import { Eye, PenLine } from "lucide-react";

import { useConversationActivity, type Activity } from "../hooks/useActivity";

function label(people: Activity[]): { text: string; typing: boolean } {
  const typing = people.filter((p) => p.what === "typing");
  const shown = typing.length > 0 ? typing : people;
  const names = [...new Set(shown.map((p) => p.name.split(" ")[0] || p.name))];
  const who = names.length <= 2 ? names.join(" e ") : `${names[0]} e mais ${names.length - 1}`;
  const plural = names.length > 1;
  return typing.length > 0
    ? { text: `${who} ${plural ? "estão" : "está"} digitando…`, typing: true }
    : { text: `${who} ${plural ? "estão" : "está"} vendo`, typing: false };
}

/** The customer's "digitando…" (under the contact's name). */
export function CustomerTyping({ conversationId }: { conversationId: string }) {
  const { customerTyping } = useConversationActivity(conversationId);
  if (!customerTyping) return null;
  return (
    <span className="truncate font-medium text-emerald-600" data-testid="customer-typing">
      digitando…
    </span>
  );
}

/** "Maria está vendo" / "Maria está digitando…" — other people of the team on this conversation. */
export function TeamActivity({ conversationId }: { conversationId: string }) {
  const { people } = useConversationActivity(conversationId);
  if (people.length === 0) return null;
  const { text, typing } = label(people);
  const Icon = typing ? PenLine : Eye;
  return (
    <span
      className="inline-flex min-w-0 items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-medium text-amber-800 dark:bg-amber-900/40 dark:text-amber-200"
      data-testid="team-activity"
      title={text}
    >
      <Icon className="size-3 shrink-0" />
      <span className="truncate">{text}</span>
    </span>
  );
}
