import {
  Building,
  Building2,
  CircleUserRound,
  CreditCard,
  Headset,
  Info,
  KeyRound,
  LayoutDashboard,
  Lock,
  Megaphone,
  MessageSquareQuote,
  MessageSquareOff,
  MessagesSquare,
  Smartphone,
  Smile,
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
  /** Only these roles see it (a menu never leads to "Acesso restrito"). */
  roles?: string[];
}

export function visibleTo(items: NavItem[], role: string | undefined): NavItem[] {
  return items.filter((item) => (!item.adminOnly || role === "admin") && (!item.roles || item.roles.includes(role ?? "")));
}

export const PRODUCT_NAV: NavItem[] = [
  { to: "/dashboard", label: "Painel", icon: LayoutDashboard, roles: ["admin", "manager"] },
  { to: "/inbox", label: "Flow Chat", icon: MessagesSquare },
  { to: "/contacts", label: "Contatos", icon: UsersRound },
  { to: "/campaigns", label: "Campanhas", icon: Megaphone, roles: ["admin", "manager"] },
];

export const SETTINGS_NAV: NavItem[] = [
  { to: "/settings/company", label: "Empresa", icon: Building, adminOnly: true },
  { to: "/settings/billing", label: "Plano e cobrança", icon: CreditCard, adminOnly: true },
  { to: "/settings/users", label: "Usuários", icon: UserCog, adminOnly: true },
  { to: "/settings/departments", label: "Departamentos", icon: Building2, adminOnly: true },
  { to: "/settings/numbers", label: "Números", icon: Smartphone, adminOnly: true },
  { to: "/settings/fields", label: "Campos personalizados", icon: TextCursorInput, adminOnly: true },
  { to: "/settings/inbox", label: "Atendimento", icon: Headset, adminOnly: true },
  { to: "/settings/quick-replies", label: "Respostas rápidas", icon: MessageSquareQuote, roles: ["admin", "manager"] },
  { to: "/settings/opt-out", label: "Descadastro", icon: MessageSquareOff, adminOnly: true },
  { to: "/settings/privacy", label: "Privacidade", icon: Lock, adminOnly: true },
  { to: "/settings/api", label: "API", icon: KeyRound, adminOnly: true },
  { to: "/settings/webhooks", label: "Webhooks", icon: Webhook, adminOnly: true },
  { to: "/settings/sense", label: "Sense", icon: Smile, adminOnly: true },
  { to: "/settings/profile", label: "Meu perfil", icon: CircleUserRound },
  { to: "/settings/about", label: "Sobre", icon: Info },
];
