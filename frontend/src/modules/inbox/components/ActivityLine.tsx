import { Eye, PenLine } from "lucide-react";

import { useConversationActivity } from "../hooks/useActivity";
import { activityLabel } from "../lib/activity";

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
  const label = activityLabel(people);
  if (!label) return null;
  const { text, typing } = label;
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
