import { UserPlus } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { useLocation, useNavigate } from "react-router-dom";

import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/stores/auth";

import { authApi, linkToken, type InvitationPreview } from "../api";
import { AuthLayout, BackToLogin } from "../components/AuthLayout";
import { PasswordField } from "../components/PasswordField";
import { SubmitButton } from "../components/SubmitButton";
import { roleLabel } from "../types";

/** The page an invitation opens: who invited you where, then your own password; you are signed in after. */
export function AcceptInvitePage() {
  const token = linkToken(useLocation().search);
  const navigate = useNavigate();
  const startSession = useAuth((s) => s.startSession);
  const clear = useAuth((s) => s.clear);
  const [invite, setInvite] = useState<InvitationPreview | null>(null);
  const [failed, setFailed] = useState(!token);
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (!token) return;
    let alive = true;
    authApi
      .previewInvitation(token)
      .then((found) => alive && setInvite(found))
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [token]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    try {
      const tokens = await authApi.acceptInvitation(token, password);
      clear(); // another account's session in this browser must not survive
      await startSession(tokens);
      navigate("/inbox", { replace: true });
    } catch {
      setPending(false); // toasted: weak password, a used link, the plan's users limit
    }
  }

  if (failed) {
    return (
      <AuthLayout
        title="Convite inválido"
        description="Este convite expirou, foi cancelado ou já foi usado. Peça um novo ao administrador da sua empresa."
        footer={<BackToLogin />}
      >
        <p className="text-muted-foreground text-sm">Convites valem por 7 dias e funcionam uma única vez.</p>
      </AuthLayout>
    );
  }
  if (!invite) {
    return (
      <AuthLayout title="Convite">
        <Skeleton className="h-24 w-full" />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title={`Entrar na equipe da ${invite.company}`}
      description={`Olá, ${invite.name}! Você foi convidado(a) como ${roleLabel(invite.role).toLowerCase()}. Crie a sua senha para começar.`}
      wide
      footer={<BackToLogin />}
    >
      <form className="grid gap-4" onSubmit={onSubmit} aria-label="Aceitar convite">
        <p className="bg-muted rounded-md px-3 py-2 text-sm" data-testid="invite-email">
          {invite.email}
        </p>
        <PasswordField id="invite-password" label="Crie sua senha" autoComplete="new-password" autoFocus
          value={password} onChange={setPassword} />
        <SubmitButton pending={pending} icon={<UserPlus />}>
          Aceitar convite
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
