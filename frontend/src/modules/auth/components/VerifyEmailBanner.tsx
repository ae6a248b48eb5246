import { MailWarning } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { useAuth } from "@/stores/auth";

import { authApi } from "../api";

/** Until a sign-up opens its verification link: a reminder on every page, with "Reenviar e-mail". */
export function VerifyEmailBanner() {
  const user = useAuth((s) => s.user);
  const [sending, setSending] = useState(false);
  if (!user || user.email_verified !== false) return null;

  async function resend() {
    setSending(true);
    try {
      await authApi.resendVerification();
      toast.success(`Enviamos um novo link para ${user?.email}`);
    } catch {
      // toasted (already verified, too many requests)
    } finally {
      setSending(false);
    }
  }

  return (
    <div
      className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
      role="status"
      data-testid="verify-email-banner"
    >
      <MailWarning className="size-4 shrink-0" aria-hidden />
      <span>
        Confirme seu e-mail: enviamos um link para <b>{user.email}</b>. Até lá, você não pode convidar pessoas.
      </span>
      <Button size="sm" variant="outline" className="h-7" disabled={sending} onClick={() => void resend()}>
        Reenviar e-mail
      </Button>
    </div>
  );
}
