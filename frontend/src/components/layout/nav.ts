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

import type { Product } from "@/hooks/useUserAccess";

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
  /** Only these roles see it (a menu never leads to "Acesso restrito"). */
  roles?: string[];
  /** The product it belongs to: without it the item shows a lock and leads to an UpgradePrompt. */
  product?: Product;
}

export function visibleTo(items: NavItem[], role: string | undefined): NavItem[] {
  return items.filter((item) => (!item.adminOnly || role === "admin") && (!item.roles || item.roles.includes(role ?? "")));
}

export const PRODUCT_NAV: NavItem[] = [
  { to: "/dashboard", label: "Painel", icon: LayoutDashboard, roles: ["admin", "manager"], product: "flow" },
  { to: "/inbox", label: "Flow Chat", icon: MessagesSquare, product: "flow" },
  { to: "/contacts", label: "Contatos", icon: UsersRound, product: "flow" },
  { to: "/campaigns", label: "Campanhas", icon: Megaphone, roles: ["admin", "manager"], product: "flow" },
];

export const SETTINGS_NAV: NavItem[] = [
  { to: "/settings/company", label: "Empresa", icon: Building, adminOnly: true },
  { to: "/settings/billing", label: "Plano e cobrança", icon: CreditCard, adminOnly: true },
  { to: "/settings/users", label: "Usuários", icon: UserCog, adminOnly: true },
  { to: "/settings/departments", label: "Departamentos", icon: Building2, adminOnly: true },
  { to: "/settings/numbers", label: "Números", icon: Smartphone, adminOnly: true },
  { to: "/settings/fields", label: "Campos personalizados", icon: TextCursorInput, adminOnly: true, product: "flow" },
  { to: "/settings/inbox", label: "Atendimento", icon: Headset, adminOnly: true, product: "flow" },
  {
    to: "/settings/quick-replies",
    label: "Respostas rápidas",
    icon: MessageSquareQuote,
    roles: ["admin", "manager"],
    product: "flow",
  },
  { to: "/settings/opt-out", label: "Descadastro", icon: MessageSquareOff, adminOnly: true, product: "flow" },
  { to: "/settings/privacy", label: "Privacidade", icon: Lock, adminOnly: true },
  { to: "/settings/api", label: "API", icon: KeyRound, adminOnly: true, product: "api" },
  { to: "/settings/webhooks", label: "Webhooks", icon: Webhook, adminOnly: true, product: "api" },
  { to: "/settings/sense", label: "Sense", icon: Smile, adminOnly: true, product: "sense" },
  { to: "/settings/profile", label: "Meu perfil", icon: CircleUserRound },
  { to: "/settings/about", label: "Sobre", icon: Info },
];
