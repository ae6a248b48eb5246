/** Types of the inbox module (Flow Chat): conversations, messages, quick replies, agents. */
import type { Contact } from "@/modules/contacts/types";

export type ConversationStatus = "open" | "pending" | "closed";
/** A status tab, or "inbox": the default view (my queue's pending chats + my open chats). */
export type InboxView = "inbox" | ConversationStatus;
export type InboxSort = "newest" | "oldest";

export interface Conversation {
  id: string;
  status?: ConversationStatus | null;
  department_id?: string | null;
  assigned_user_id?: string | null;
  assigned_user_name?: string | null;
  tags?: string[] | null;
  /** Unread inbound messages (a count; some answers may send a boolean). */
  unread?: number | boolean | null;
  contact_name?: string | null;
  phone?: string | null;
  instance_id?: string | null;
  instance_name?: string | null;
  is_group?: boolean;
  last_message_at?: string | null;
  last_message_preview?: string | null;
  last_message_direction?: "in" | "out" | null;
  /** The contact behind a 1:1 chat (contacts module id) and its cached profile picture (presigned, short-lived). */
  contact_id?: string | null;
  avatar_url?: string | null;
  /** When the customer's first unanswered message arrived (null once we answered). */
  waiting_since?: string | null;
  /** Sense: the rolling mood of the customer's messages. */
  mood?: "pos" | "neu" | "neg" | null;
  mood_score?: number | null;
}

/** GET /conversations/counts: role-scoped like the lists; each value is capped at `cap` (shown "99+"). */
export interface InboxCounts {
  inbox: number;
  pending: number;
  mine: number;
  open: number;
  unread: number;
  cap: number;
}

export interface InboxSettings {
  auto_assign: boolean;
  wait_warn_minutes: number;
  wait_alert_minutes: number;
}

export type MessageKind =
  | "text"
  | "image"
  | "audio"
  | "video"
  | "document"
  | "sticker"
  | "location"
  | "contact"
  | "reaction"
  | "note"
  | (string & {});

export type MessageStatus =
  | "pending"
  | "sent"
  | "delivered"
  | "read"
  | "played"
  | "failed"
  | "unknown"
  | (string & {});

export interface MessageMedia {
  mimetype?: string | null;
  file_name?: string | null;
  caption?: string | null;
  /** A short-lived presigned GET of the stored file (absent while the download job runs). */
  url?: string | null;
  url_expires_at?: string | null;
  size?: number | null;
  seconds?: number | null;
  /** A voice note (push-to-talk). */
  ptt?: boolean | null;
}

export interface Message {
  id: string;
  /** Sense: the label of a customer's text and its score in [-1, 1]. */
  sentiment?: "pos" | "neu" | "neg" | null;
  sentiment_score?: number | null;
  sk?: string | null;
  conversation_id: string;
  direction: "in" | "out";
  kind: MessageKind;
  text?: string | null;
  media?: MessageMedia | null;
  /** Set once the file is stored (S3); a media message without it is still downloading. */
  media_key?: string | null;
  /** The download of a received file failed for good (see media retry). */
  media_error?: string | null;
  status?: MessageStatus | null;
  failure_reason?: string | null;
  sent_at?: string | null;
  created_at?: string | null;
  author_name?: string | null;
  sent_by_name?: string | null;
  reactions?: Record<string, unknown> | null;
  deleted?: boolean;
  /** WhatsApp id of the message this one replies to, and a short text of it. */
  quoted?: QuotedRef | null;
  /** Our sends: WhatsApp's id once sent (``id`` is ours). */
  wamid?: string | null;
}

export interface QuotedRef {
  id: string;
  text?: string | null;
  from_me?: boolean | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** "me" = mine, "none" = the queue (unassigned), "" = everything I may see. */
export type AssigneeFilter = "" | "me" | "none";

export interface InboxFilters {
  status: InboxView;
  sort: InboxSort;
  department_id: string;
  assignee: AssigneeFilter;
  unread: boolean;
  instance_id: string;
  q: string;
  /** Sense: "neg" = "clientes insatisfeitos"; "" = any. */
  mood?: "" | "neg";
}

export interface QuickReply {
  id: string;
  shortcut: string;
  text: string;
}

export type Presence = "online" | "away" | "offline";

export interface Agent {
  id: string;
  name: string;
  department_id?: string | null;
  online?: boolean;
  role?: string;
  presence?: Presence;
  /** Open conversations assigned to them. */
  load?: number;
}

export interface Department {
  id: string;
  name: string;
}

export interface InstanceSummary {
  id: string;
  name: string;
  phone?: string | null;
}

export interface UploadTicket {
  key: string;
  upload_url: string;
  headers?: Record<string, string> | null;
}

/** GET/PATCH /conversations/{id}/contact: the chat's contact (contacts module shape) and its other chats. */
export interface ConversationContact {
  contact: Contact;
  conversations: Conversation[];
}

export interface ContactChanges {
  name?: string | null;
  notes?: string | null;
  tags?: string[];
  fields?: Record<string, string | number | null>;
}
