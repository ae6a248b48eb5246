import { CircleCheck, CircleX } from "lucide-react";
import { useEffect, useState } from "react";
import { Link, useLocation } from "react-router-dom";

import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/stores/auth";

import { authApi, linkToken } from "../api";
import { AuthLayout } from "../components/AuthLayout";

type State = "checking" | "done" | "failed";

/** The page a verification link opens; it works signed in or not (the link may open on another device). */
export function VerifyEmailPage() {
  const token = linkToken(useLocation().search);
  const signedIn = useAuth((s) => s.access !== null);
  const loadMe = useAuth((s) => s.loadMe);
  const [state, setState] = useState<State>(token ? "checking" : "failed");

  useEffect(() => {
    if (!token) return;
    let alive = true;
    authApi
      .verifyEmail(token)
      .then(async () => {
        if (signedIn) await loadMe().catch(() => undefined);
        if (alive) setState("done");
      })
      .catch(() => alive && setState("failed"));
    return () => {
      alive = false;
    };
    // once per token: the session may change while this page is open
  }, [token]);

  const next = (
    <Link to={signedIn ? "/inbox" : "/login"} className="text-primary text-sm font-medium hover:underline">
      {signedIn ? "Ir para o ALREA Flow" : "Entrar"}
    </Link>
  );
  if (state === "checking") {
    return (
      <AuthLayout title="Confirmando seu e-mail…">
        <Skeleton className="h-10 w-full" />
      </AuthLayout>
    );
  }
  return state === "done" ? (
    <AuthLayout title="E-mail confirmado" footer={next}>
      <p className="flex items-center gap-2 text-sm" role="status" data-testid="verify-result">
        <CircleCheck className="size-5 text-green-600" aria-hidden />
        Obrigado! Seu e-mail está confirmado.
      </p>
    </AuthLayout>
  ) : (
    <AuthLayout title="Não foi possível confirmar" footer={next}>
      <p className="flex items-start gap-2 text-sm" role="status" data-testid="verify-result">
        <CircleX className="text-destructive size-5 shrink-0" aria-hidden />
        Este link expirou ou já foi usado. Entre no ALREA Flow e use “Reenviar e-mail” no aviso do topo.
      </p>
    </AuthLayout>
  );
}
