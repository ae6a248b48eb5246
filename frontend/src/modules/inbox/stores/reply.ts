/** The message the attendant is replying to, per conversation: set from a bubble, shown and sent by the composer. */
import { create } from "zustand";

import type { Message } from "../types";

interface ReplyState {
  byConversation: Record<string, Message | undefined>;
  start(message: Message): void;
  cancel(conversationId: string): void;
}

export const useReply = create<ReplyState>()((set) => ({
  byConversation: {},
  start: (message) => set((s) => ({ byConversation: { ...s.byConversation, [message.conversation_id]: message } })),
  cancel: (conversationId) =>
    set((s) => {
      const next = { ...s.byConversation };
      delete next[conversationId];
      return { byConversation: next };
    }),
}));
