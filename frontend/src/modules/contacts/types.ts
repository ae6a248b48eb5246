/** Types of the contacts module (mirrors /api/contacts). */
export interface ContactRef {
  phone: string;
  name?: string | null;
}

export interface OptOut {
  at: string;
  reason: string;
  source: string;
}

export interface Contact {
  id: string;
  key: string;
  phone: string | null;
  name: string | null;
  email: string | null;
  tags: string[];
  fields: Record<string, string | number>;
  notes: string | null;
  source: "import" | "inbound" | "api" | "manual" | null;
  last_interaction_at: string | null;
  opted_out: OptOut | null;
  created_at: string | null;
  updated_at: string | null;
  /** The cached WhatsApp profile picture (short-lived presigned URL), when there is one. */
  avatar_url?: string | null;
}

export interface ContactPage {
  items: Contact[];
  next_cursor: string | null;
}

export interface TagCount {
  tag: string;
  count: number;
}

export type FieldType = "text" | "number" | "date";

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  created_at?: string | null;
}

/** A campaign a contact received, with the contact's status in it (GET /contacts/{id}/campaigns). */
export interface ContactCampaign {
  campaign_id: string;
  campaign_name: string;
  campaign_status: string;
  status: string;
  phone: string;
  name: string | null;
  contact_id: string | null;
  instance_id: string | null;
  wamid: string | null;
  error: string | null;
  planned_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
  updated_at: string | null;
}

export interface ContactFilter {
  q?: string;
  tag?: string;
  opted_out?: boolean;
}

export interface ImportCounts {
  processed: number;
  imported: number;
  updated: number;
  unchanged: number;
  failed: number;
  blank: number;
}

export interface ImportStatus {
  id: string;
  file_name: string;
  status: "awaiting_upload" | "processing" | "done" | "failed";
  counts: ImportCounts;
  reasons: Record<string, number>;
  bytes_read: number;
  size: number;
  message: string | null;
  error_report_url: string | null;
}

export interface ImportProgressEvent extends ImportCounts {
  type: "import_progress";
  import_id: string;
  status: ImportStatus["status"];
  percent: number;
  message?: string;
}

export const SOURCE_LABELS: Record<string, string> = {
  import: "Importação",
  inbound: "WhatsApp",
  api: "API",
  manual: "Manual",
};
