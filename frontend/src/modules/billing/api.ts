/** Billing calls (Configurações → Plano e cobrança): all through the shared `api` client. */
import { api } from "@/lib/api";

import type { BillingOverview } from "./types";

export const billingApi = {
  async overview(): Promise<BillingOverview> {
    const { data } = await api.get<BillingOverview>("/billing");
    return data;
  },
  /** A hosted Checkout page for the plan and add-ons (the browser goes there). */
  async checkout(plan: string, addOns: string[] = []): Promise<string> {
    const { data } = await api.post<{ url: string }>("/billing/checkout", { plan, add_ons: addOns });
    return data.url;
  },
  /** The hosted customer portal (payment method, change plan, cancel). */
  async portal(): Promise<string> {
    const { data } = await api.post<{ url: string }>("/billing/portal");
    return data.url;
  },
};

/** Leave the SPA for a hosted page (kept in one place so tests can see where we go). */
export function goTo(url: string): void {
  window.location.assign(url);
}
