import { ShieldAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation } from "react-router-dom";

import { EmptyState } from "@/components/EmptyState";
import { Page } from "@/components/PageHeader";
import { useAuth } from "@/stores/auth";

/** Routes below need a session; without one, go to /login and come back afterwards. */
export function RequireAuth({ children }: { children?: ReactNode }) {
  const access = useAuth((s) => s.access);
  const location = useLocation();
  if (!access) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children ?? <Outlet />;
}

/** Admin-only pages: others see why instead of a blank screen. */
export function RequireAdmin({ children }: { children?: ReactNode }) {
  const user = useAuth((s) => s.user);
  if (user && user.role !== "admin") {
    return (
      <Page>
        <EmptyState
          icon={ShieldAlert}
          title="Acesso restrito"
          description="Somente administradores podem acessar esta página."
        />
      </Page>
    );
  }
  return children ?? <Outlet />;
}

/** Admin-or-manager pages (quick replies): agents see why. */
export function RequireStaff({ children }: { children?: ReactNode }) {
  const user = useAuth((s) => s.user);
  if (user && user.role === "agent") {
    return (
      <Page>
        <EmptyState
          icon={ShieldAlert}
          title="Acesso restrito"
          description="Somente administradores e gerentes podem acessar esta página."
        />
      </Page>
    );
  }
  return children ?? <Outlet />;
}
