import { LogIn } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useAuth } from "@/stores/auth";

import { AuthLayout } from "../components/AuthLayout";
import { SubmitButton } from "../components/SubmitButton";

function safeRedirect(from: unknown): string {
  // Only same-app paths: never bounce to another origin or back to /login.
  if (typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && !from.startsWith("/login")) {
    return from;
  }
  return "/"; // Home: the dashboard for admins and managers, the inbox for attendants
}

export function LoginPage() {
  const access = useAuth((s) => s.access);
  const login = useAuth((s) => s.login);
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { from?: unknown; email?: unknown } | null;
  const target = safeRedirect(state?.from);
  const [email, setEmail] = useState(typeof state?.email === "string" ? state.email : "");
  const [password, setPassword] = useState("");
  const [submitting, setSubmitting] = useState(false);

  if (access && !submitting) return <Navigate to={target} replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    try {
      await login(email, password);
      navigate(target, { replace: true });
    } catch {
      // The API client already showed the server's message in a toast.
      setSubmitting(false);
    }
  }

  return (
    <AuthLayout
      title="Entrar"
      description="Acesse sua conta do ALREA Flow"
      footer={
        <span>
          Ainda não tem conta?{" "}
          <Link to="/cadastro" className="text-primary font-medium hover:underline">
            Criar conta grátis
          </Link>
        </span>
      }
    >
      <form className="grid gap-4" onSubmit={onSubmit} aria-label="Entrar">
        <div className="grid gap-2">
          <Label htmlFor="email">E-mail</Label>
          <Input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            placeholder="voce@empresa.com.br"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="grid gap-2">
          <div className="flex items-center justify-between">
            <Label htmlFor="password">Senha</Label>
            <Link to="/esqueci-senha" className="text-primary text-xs font-medium hover:underline">
              Esqueci minha senha
            </Link>
          </div>
          <Input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <SubmitButton pending={submitting} icon={<LogIn />}>
          Entrar
        </SubmitButton>
      </form>
    </AuthLayout>
  );
}
