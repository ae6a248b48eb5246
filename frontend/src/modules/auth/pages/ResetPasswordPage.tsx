import { KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { toast } from "sonner";

import { authApi, linkToken } from "../api";
import { AuthLayout, BackToLogin } from "../components/AuthLayout";
import { PasswordField } from "../components/PasswordField";
import { SubmitButton } from "../components/SubmitButton";

/** The page a reset link opens: a new password, then the login (every old session was ended). */
export function ResetPasswordPage() {
  const token = linkToken(useLocation().search);
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (password !== confirm) {
      toast.error("As senhas não conferem.");
      return;
    }
    setPending(true);
    try {
      await authApi.resetPassword(token, password);
      toast.success("Senha redefinida. Entre com a nova senha.");
      navigate("/login", { replace: true });
    } catch {
      // toasted: a used or expired link, a weak password
      setPending(false);
    }
  }

  if (!token) {
    return (
      <AuthLayout title="Link incompleto" description="Abra o link exatamente como veio no e-mail." footer={<BackToLogin />}>
        <Link to="/esqueci-senha" className="text-primary text-sm font-medium hover:underline">
          Pedir um novo link
        </Link>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Criar nova senha"
      description="Ao salvar, as sessões abertas com a senha antiga são encerradas."
      footer={
        <>
          <Link to="/esqueci-senha" className="hover:underline">
            Link expirado? Peça outro
          </Link>
          <BackToLogin />
        </>
      }
    >
      <form className="grid gap-4" onSubmit={onSubmit} aria-label="Criar nova senha">
        <PasswordField id="reset-password" label="Nova senha" autoComplete="new-password" autoFocus value={password}
          onChange={setPassword} />
        <PasswordField id="reset-confirm" label="Repita a nova senha" autoComplete="new-password" value={confirm}
          onChange={setConfirm} />
        <SubmitButton pending={pending} icon={<KeyRound />}>
          Salvar nova senha
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
