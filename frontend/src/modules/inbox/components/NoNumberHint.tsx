import { SmartphoneNfc } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router-dom";

import { useRealtimeEvent } from "@/hooks/useRealtime";
import { api, normalizeItems } from "@/lib/api";
import { useAuth } from "@/stores/auth";

/** First-run hint: without a connected number nothing arrives in the inbox — say so, and how to fix it. */
export function NoNumberHint() {
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  const [connected, setConnected] = useState<boolean | null>(null);
  const check = useCallback(async () => {
    try {
      const { data } = await api.get<unknown>("/instances", { skipErrorToast: true });
      setConnected(normalizeItems<{ state?: string }>(data).some((i) => i.state === "open"));
    } catch {
      // unknown: no hint rather than a wrong one
    }
  }, []);
  useEffect(() => {
    void check();
  }, [check]);
  useRealtimeEvent("instance_status", () => void check());

  if (connected !== false) return null;
  return (
    <div
      role="status"
      data-testid="no-number-hint"
      className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
    >
      <SmartphoneNfc className="size-4 shrink-0" />
      <span className="min-w-0 flex-1">
        <strong>Nenhum número conectado.</strong> As conversas do WhatsApp aparecem aqui depois que um número for
        conectado.
      </span>
      {isAdmin ? (
        <Link to="/settings/numbers" className="shrink-0 font-medium underline underline-offset-2">
          Conectar um número
        </Link>
      ) : (
        <span className="shrink-0 text-xs">Peça a um administrador para conectar um número.</span>
      )}
    </div>
  );
}
