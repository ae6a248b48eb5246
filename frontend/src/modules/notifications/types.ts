export type NotificationKind =
  | "assigned"
  | "mention"
  | "campaign_completed"
  | "campaign_paused"
  | "campaign_failover"
  | "import_finished"
  | "number_disconnected"
  | "webhook_disabled"
  | "conversation_negative"
  | "number_health";

/** A stored notification (GET /api/notifications, and the `notification_created` push). */
export interface AppNotification {
  id: string;
  kind: NotificationKind | (string & {});
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
  unread: boolean;
}

export interface NotificationPage {
  items: AppNotification[];
  next_cursor: string | null;
  unread: number;
}

export interface NotificationPreferences {
  kinds: Record<string, boolean>;
  muted: string[];
}

/** pt-BR labels of the kinds (the profile's preferences). */
export const KIND_LABELS: Record<NotificationKind, string> = {
  assigned: "Conversa atribuída ou transferida para mim",
  mention: "Menção em uma nota (@nome)",
  campaign_completed: "Campanha concluída",
  campaign_paused: "Campanha pausada automaticamente",
  campaign_failover: "Número substituído em uma campanha",
  import_finished: "Importação de contatos concluída",
  number_disconnected: "Número desconectado",
  webhook_disabled: "Webhook desativado por falhas",
  conversation_negative: "Cliente insatisfeito (Sense)",
  number_health: "Número com muitas falhas",
};

/** Which kinds a role can receive (the API sends the others to nobody of that role). */
export function kindsFor(role: string | undefined): NotificationKind[] {
  const all = Object.keys(KIND_LABELS) as NotificationKind[];
  if (role === "admin") return all;
  if (role === "manager") return all.filter((k) => k !== "number_disconnected" && k !== "webhook_disabled");
  return ["assigned", "mention", "import_finished"];
}

/** "99+" past 99. */
export function badgeText(unread: number): string {
  return unread > 99 ? "99+" : String(unread);
}
