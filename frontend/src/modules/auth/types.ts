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

export interface MeResponse {
  user: User;
  tenant: Tenant;
  billing?: import("@/modules/billing/types").BillingStatus | null;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrador",
  manager: "Gerente",
  agent: "Atendente",
};

export function roleLabel(role: string | null | undefined): string {
  return (role && ROLE_LABELS[role as Role]) || role || "—";
}

/** The plans' names as the product says them (alrea.domain.plans). */
export const PLAN_LABELS: Record<string, string> = {
  trial: "Teste grátis",
  starter: "Essencial",
  pro: "Profissional",
  business: "Empresarial",
};

export function planLabel(plan: string | null | undefined): string {
  return (plan && PLAN_LABELS[plan]) || plan || "—";
}
