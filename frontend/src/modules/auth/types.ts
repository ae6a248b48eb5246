export type Role = "admin" | "manager" | "agent";

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
  department_id: string | null;
  active: boolean;
  /** The manual "Ausente" switch (presence). */
  away?: boolean;
  /** False until a sign-up opens its verification link (the banner asks for it). */
  email_verified?: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  plan?: string;
  limits?: Record<string, number | null>;
  timezone?: string;
  country?: string;
  [key: string]: unknown;
}

/** The tenant's plan as /api/me carries it (domain/catalogue.json). */
export interface PlanInfo {
  name: string;
  title: string;
  /** trialing | active | past_due | canceled */
  status: string;
  trial_ends_at: string | null;
  add_ons: string[];
}

/** One limit's use; `limit` null = unlimited. */
export interface LimitUsage {
  used: number;
  limit: number | null;
}

export interface MeResponse {
  user: User;
  tenant: Tenant;
  billing?: import("@/modules/billing/types").BillingStatus | null;
  plan?: PlanInfo;
  products?: string[];
  usage?: Record<string, LimitUsage>;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrador",
  manager: "Gerente",
  agent: "Atendente",
};

export function roleLabel(role: string | null | undefined): string {
  return (role && ROLE_LABELS[role as Role]) || role || "—";
}

/** The plans' names as the catalogue says them (layers/alrea/domain/catalogue.json). */
export const PLAN_LABELS: Record<string, string> = {
  starter: "Starter",
  professional: "Professional",
  enterprise: "Enterprise",
  api_only: "API Only",
};

export function planLabel(plan: string | null | undefined): string {
  return (plan && PLAN_LABELS[plan]) || plan || "—";
}

/** The sidebar's badge: the plan, and "(teste)" while trialing. */
export function planBadge(plan: PlanInfo | null | undefined, fallback: string | null | undefined): string {
  const title = plan?.title ?? planLabel(fallback);
  return plan?.status === "trialing" ? `${title} (teste)` : title;
}
