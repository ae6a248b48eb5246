/** What /api/me's `billing` block and GET /api/billing answer (alrea.services.billing). */
export interface BillingBanner {
  kind: "grace" | "billing_past_due" | "account_suspended";
  read_only: boolean;
  days_left: number | null;
  message: string;
}

export interface BillingStatus {
  status: string;
  add_ons: string[];
  read_only: boolean;
  read_only_reason: "billing_past_due" | "account_suspended" | null;
  grace_until: string | null;
  grace_days_left: number | null;
  banner: BillingBanner | null;
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string;
  amount_due: number;
  amount_paid: number;
  currency: string;
  created_at: string;
  url: string | null;
}

export interface BillingOverview extends BillingStatus {
  plan: string;
  current_period_end: string | null;
  next_invoice: { date: string; amount: number | null; currency: string } | null;
  invoices: Invoice[];
  has_customer: boolean;
  plans: string[];
  available_add_ons: string[];
}

export const STATUS_LABELS: Record<string, string> = {
  none: "Sem assinatura",
  active: "Ativa",
  trialing: "Em teste",
  past_due: "Pagamento pendente",
  unpaid: "Não paga",
  canceled: "Cancelada",
  incomplete: "Incompleta",
  manual: "Contrato manual",
};

export const ADD_ON_LABELS: Record<string, string> = {
  sense: "Sense (análise IA)",
  api: "API pública",
  notifications: "Notificações",
  flow: "Flow (campanhas + chat)",
};

export function money(cents: number | null | undefined, currency = "brl"): string {
  if (cents == null) return "—";
  return new Intl.NumberFormat("pt-BR", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}
