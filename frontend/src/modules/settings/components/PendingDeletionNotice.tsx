import { useEffect } from "react";
import { useNavigate } from "react-router-dom";
import { toast } from "sonner";

import { useAuth } from "@/stores/auth";

import { privacyApi } from "../privacyApi";

/** An admin who signs in while the company's deletion is scheduled is told so, with the way to cancel it. */
export function PendingDeletionNotice() {
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  const navigate = useNavigate();

  useEffect(() => {
    if (!isAdmin) return;
    const controller = new AbortController();
    privacyApi
      .getDeletion(controller.signal)
      .then((deletion) => {
        if (!deletion.scheduled_for) return;
        const when = new Date(deletion.scheduled_for).toLocaleString("pt-BR");
        toast.warning(`A exclusão da empresa está agendada para ${when}. Você ainda pode cancelar.`, {
          id: "tenant-deletion-pending",
          duration: Infinity,
          action: { label: "Ver", onClick: () => navigate("/settings/privacy") },
        });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [isAdmin, navigate]);

  return null;
}
