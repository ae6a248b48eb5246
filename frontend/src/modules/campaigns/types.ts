/** Types of the campaigns module (the /api/campaigns contract). */
export type CampaignStatus = "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled" | "failed";

export type RecipientStatus =
  | "pending"
  | "queued"
  | "sending"
  | "unknown"
  | "sent"
  | "delivered"
  | "read"
  | "replied"
  | "failed"
  | "skipped"
  | "opted_out";

export interface CampaignMedia {
  key: string;
  mimetype: string;
  file_name: string;
}

export interface Variant {
  text: string;
  media?: CampaignMedia | null;
}

export interface Audience {
  tags: string[];
  contact_ids: string[];
}

export interface Pacing {
  min_delay_s: number;
  max_delay_s: number;
  /** "HH:MM" in the tenant's time zone. */
  window_start: string;
  window_end: string;
  /** 0 = Monday … 6 = Sunday. */
  weekdays: number[];
  daily_cap_per_number: number;
  /** New numbers ramp up (first day `warmup_first_day`, doubling daily, for `warmup_days`). */
  warmup?: boolean;
  warmup_first_day?: number;
  warmup_days?: number;
}

export interface Counters {
  total: number;
  pending: number;
  queued: number;
  sending: number;
  /** Sends whose outcome is being reconciled (timed out after the request left). */
  unknown: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  opted_out: number;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  failure_reason?: string | null;
  variants: Variant[];
  audience: Audience;
  instance_ids: string[];
  pacing: Pacing;
  schedule_at: string | null;
  reply_window_h: number;
  counters: Partial<Counters>;
  /** ISO time the last send is expected at (or seconds left, from some answers). */
  eta?: string | number | null;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface CampaignInput {
  name: string;
  variants: Variant[];
  audience: Audience;
  instance_ids: string[];
  pacing: Pacing;
  schedule_at: string | null;
  reply_window_h: number;
}

export interface Recipient {
  phone: string;
  name?: string | null;
  status: RecipientStatus;
  instance_id?: string | null;
  sent_at?: string | null;
  failure_reason?: string | null;
  /** Failed with an uncertain outcome: it may or may not have gone out ("reenviar incertos"). */
  uncertain?: boolean;
}

/** A variant's uploaded file (POST /campaigns/media answer, after the PUT). */
export interface MediaUpload extends CampaignMedia {
  preview_url: string;
  mediatype: "image" | "video" | "audio" | "document";
}

/** A number's warm-up today (GET /campaigns/warmup). */
export interface NumberWarmup {
  instance_id: string;
  warming: boolean;
  limit_today: number;
  daily_cap: number;
  connected_on: string | null;
}

export interface RecipientsPage {
  items: Recipient[];
  next_cursor: string | null;
}

export interface PreviewResult {
  rendered: string;
  missing_variables: string[];
}

export interface TimelineBucket {
  at: string;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
}

export interface TagCount {
  tag: string;
  count: number;
}

/** What the campaigns module needs of a contact. */
export interface ContactLite {
  id: string;
  phone: string;
  name?: string | null;
  tags?: string[];
}

/** What the campaigns module needs of a number. */
export interface InstanceLite {
  id: string;
  name: string;
  state: string;
  phone?: string | null;
}

/** The realtime event the API pushes to the tenant group while a campaign moves. */
export interface CampaignProgressEvent {
  type: "campaign_progress";
  campaign_id: string;
  counters: Partial<Counters>;
  status: CampaignStatus;
  eta?: string | number | null;
}
