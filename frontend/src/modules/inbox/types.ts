/** Types of the inbox module (Flow Chat): conversations, messages, quick replies, agents. */
export type ConversationStatus = "open" | "pending" | "closed";

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
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** "me" = mine, "none" = the queue (unassigned), "" = everything I may see. */
export type AssigneeFilter = "" | "me" | "none";

export interface InboxFilters {
  status: ConversationStatus;
  department_id: string;
  assignee: AssigneeFilter;
  unread: boolean;
  instance_id: string;
  q: string;
}

export interface QuickReply {
  id: string;
  shortcut: string;
  text: string;
}

export interface Agent {
  id: string;
  name: string;
  department_id?: string | null;
  online?: boolean;
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
