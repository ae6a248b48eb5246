import type { ReactNode } from "react";

import { useAuth } from "@/stores/auth";

/** The reason the tenant is read-only (past due beyond the grace period, or suspended), or null. */
export function useReadOnly(): string | null {
  const billing = useAuth((s) => s.billing);
  return billing?.read_only ? (billing.banner?.message ?? "Conta em modo somente leitura.") : null;
}

/** Wraps a send/start/import button: while read-only, a hover text says why it is disabled. */
export function ReadOnlyHint({ children }: { children: ReactNode }) {
  const reason = useReadOnly();
  if (!reason) return <>{children}</>;
  return (
    <span title={reason} className="inline-flex" data-testid="read-only-hint">
      {children}
    </span>
  );
}
