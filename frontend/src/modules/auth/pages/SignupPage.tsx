import { Rocket } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router-dom";

import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/stores/auth";

import { authApi } from "../api";
import { AuthLayout } from "../components/AuthLayout";
import { PasswordField } from "../components/PasswordField";
import { SubmitButton } from "../components/SubmitButton";

/** A new company and its first admin; the e-mail is confirmed afterwards through a link (a banner asks). */
export function SignupPage() {
  const access = useAuth((s) => s.access);
  const startSession = useAuth((s) => s.startSession);
  const navigate = useNavigate();
  const [company, setCompany] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);

  if (access && !pending) return <Navigate to="/inbox" replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    try {
      const done = await authApi.signup({ company: company.trim(), name: name.trim(), email: email.trim(), password });
      await startSession(done);
      navigate("/inbox", { replace: true });
    } catch {
      // toasted by the API client (e-mail taken, weak password, too many attempts)
      setPending(false);
    }
  }

  return (
    <AuthLayout
      title="Criar conta"
      description="Teste o ALREA Flow com a sua empresa. Sem cartão de crédito."
      wide
      footer={
        <span>
          Já tem conta?{" "}
          <Link to="/login" className="text-primary font-medium hover:underline">
            Entrar
          </Link>
        </span>
      }
    >
      <form className="grid gap-4" onSubmit={onSubmit} aria-label="Criar conta">
        <FormField id="signup-company" label="Empresa">
          <Input required maxLength={120} autoComplete="organization" autoFocus value={company}
            onChange={(e) => setCompany(e.target.value)} />
        </FormField>
        <FormField id="signup-name" label="Seu nome">
          <Input required maxLength={120} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </FormField>
        <FormField id="signup-email" label="E-mail de trabalho">
          <Input type="email" required autoComplete="email" placeholder="voce@empresa.com.br" value={email}
            onChange={(e) => setEmail(e.target.value)} />
        </FormField>
        <PasswordField id="signup-password" label="Senha" autoComplete="new-password" value={password}
          onChange={setPassword} />
        <SubmitButton pending={pending} icon={<Rocket />}>
          Criar conta
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
