/** Types of the inbox module (conversations, messages) — filled in by the inbox module. */
export type ConversationStatus = "open" | "pending" | "closed";
