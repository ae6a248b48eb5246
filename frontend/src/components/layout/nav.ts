import {
  Building2,
  Headset,
  Info,
  KeyRound,
  Lock,
  Megaphone,
  MessageSquareOff,
  MessagesSquare,
  Smartphone,
  TextCursorInput,
  UserCog,
  UsersRound,
  Webhook,
  type LucideIcon,
} from "lucide-react";

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}

export const PRODUCT_NAV: NavItem[] = [
  { to: "/inbox", label: "Flow Chat", icon: MessagesSquare },
  { to: "/contacts", label: "Contatos", icon: UsersRound },
  { to: "/campaigns", label: "Campanhas", icon: Megaphone },
];

export const SETTINGS_NAV: NavItem[] = [
  { to: "/settings/users", label: "Usuários", icon: UserCog, adminOnly: true },
  { to: "/settings/departments", label: "Departamentos", icon: Building2, adminOnly: true },
  { to: "/settings/numbers", label: "Números", icon: Smartphone, adminOnly: true },
  { to: "/settings/fields", label: "Campos personalizados", icon: TextCursorInput, adminOnly: true },
  { to: "/settings/inbox", label: "Atendimento", icon: Headset, adminOnly: true },
  { to: "/settings/opt-out", label: "Descadastro", icon: MessageSquareOff, adminOnly: true },
  { to: "/settings/privacy", label: "Privacidade", icon: Lock, adminOnly: true },
  { to: "/settings/api", label: "API", icon: KeyRound, adminOnly: true },
  { to: "/settings/webhooks", label: "Webhooks", icon: Webhook, adminOnly: true },
  { to: "/settings/about", label: "Sobre", icon: Info },
];
