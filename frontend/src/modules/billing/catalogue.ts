/**
 * The plan catalogue (GET /api/plans, public: layers/alrea/domain/catalogue.json) and the numbers the
 * "Plano e cobrança" page shows: usage per limit, prices in BRL.
 */
import { api } from "@/lib/api";
import type { LimitUsage } from "@/modules/auth/types";

export interface CataloguePlan {
  name: string;
  title: string;
  price_brl: number;
  limits: Record<string, number | null>;
  included: string[];
  add_ons: string[];
  api_rate: { per_minute: number; burst: number };
}

export interface Catalogue {
  currency: string;
  products: { name: string; title: string; description: string }[];
  limits: { name: string; title: string }[];
  add_ons: { product: string; price_brl: number }[];
  plans: CataloguePlan[];
  trial_days: number;
}

export const billingApi = {
  async catalogue(signal?: AbortSignal): Promise<Catalogue> {
    const { data } = await api.get<Catalogue>("/plans", { signal });
    return data;
  },
};

const brl = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL", maximumFractionDigits: 0 });
const count = new Intl.NumberFormat("pt-BR");

export function formatPrice(value: number): string {
  return `${brl.format(value)}/mês`;
}

/** "1.000" or "Ilimitado". */
export function formatLimit(limit: number | null | undefined): string {
  return limit == null ? "Ilimitado" : count.format(limit);
}

/** "3 de 10", "3 (ilimitado)". */
export function usageText(u: LimitUsage): string {
  return u.limit == null ? `${count.format(u.used)} (ilimitado)` : `${count.format(u.used)} de ${count.format(u.limit)}`;
}

/** 0..100 for the bar (an unlimited limit shows an empty bar; over the limit stays full). */
export function usagePercent(u: LimitUsage): number {
  if (u.limit == null) return 0;
  if (u.limit <= 0) return 100;
  return Math.min(100, Math.round((u.used / u.limit) * 100));
}

/** "full" at the limit, "high" from 80 %, else "ok". */
export function usageLevel(u: LimitUsage): "ok" | "high" | "full" {
  if (u.limit == null) return "ok";
  if (u.used >= u.limit) return "full";
  return usagePercent(u) >= 80 ? "high" : "ok";
}

/** How a plan offers a product: included, as a paid add-on, or not at all. */
export function offer(plan: CataloguePlan, product: string): "included" | "add_on" | "none" {
  if (plan.included.includes(product)) return "included";
  return plan.add_ons.includes(product) ? "add_on" : "none";
}

export const STATUS_LABELS: Record<string, string> = {
  trialing: "Em teste",
  active: "Ativo",
  past_due: "Pagamento pendente",
  canceled: "Cancelado",
};
