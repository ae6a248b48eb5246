import type { Role, User } from "@/modules/auth/types";
import type { FieldDef, FieldType } from "@/modules/contacts/types";

export type { FieldDef, FieldType, Role, User };

export interface Department {
  id: string;
  name: string;
  members_count?: number;
}

/** An invitation to send: the invited person chooses their own password through the e-mailed link. */
export interface NewInvitation {
  name: string;
  email: string;
  role: Role;
  department_id: string | null;
}

/** A pending invitation (the user exists only once it is accepted). */
export interface Invitation extends NewInvitation {
  id: string;
  invited_by: string;
  created_at: string;
  /** Epoch seconds. */
  expires_at: number;
  /** On create/resend: whether the e-mail left. */
  sent?: boolean;
}

export interface TenantSettings {
  name: string;
  timezone: string;
  country: string;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  department_id?: string | null;
}

/** Evolution's connection states, plus whatever else the API reports (shown as-is). */
export type InstanceState = "open" | "connecting" | "close" | (string & {});

/** A WhatsApp number (an Evolution API instance). */
export interface Instance {
  id: string;
  name: string;
  state: InstanceState;
  phone: string | null;
  webhook_url?: string | null;
  default_department_id?: string | null;
}

export interface QrCode {
  /** Something an <img src> accepts (data URL). */
  image: string | null;
  /** The raw QR payload, when no image came. */
  code: string | null;
  /** Pairing code for "link with phone number", when offered. */
  pairingCode: string | null;
}

export interface NewField {
  name: string;
  type: FieldType;
  label?: string;
}

/** What stops campaigns for a contact: a message equal to one of the keywords (GET/PUT /campaigns/settings/opt-out). */
/** The tenant's inbox settings (PUT changes only the fields it carries). */
export interface InboxSettings {
  auto_assign: boolean;
  wait_warn_minutes: number;
  wait_alert_minutes: number;
}

export interface OptOutConfig {
  keywords: string[];
  confirmation: string;
}

export interface OptOutSettings extends OptOutConfig {
  defaults: OptOutConfig;
}
