import { MailCheck, Send } from "lucide-react";
import { useState, type FormEvent } from "react";

import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";

import { authApi } from "../api";
import { AuthLayout, BackToLogin } from "../components/AuthLayout";
import { SubmitButton } from "../components/SubmitButton";

/** "Esqueci minha senha": the answer is the same whether the address has an account or not. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [pending, setPending] = useState(false);
  const [answer, setAnswer] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    try {
      setAnswer((await authApi.forgotPassword(email)).message);
    } catch {
      // toasted (too many requests)
    } finally {
      setPending(false);
    }
  }

  return (
    <AuthLayout
      title="Esqueci minha senha"
      description="Enviamos um link para você criar uma nova senha."
      footer={<BackToLogin />}
    >
      {answer ? (
        <div className="flex flex-col items-center gap-3 text-center" role="status" data-testid="forgot-sent">
          <MailCheck className="text-primary size-10" aria-hidden />
          <p className="text-sm">{answer}</p>
          <p className="text-muted-foreground text-xs">O link vale por 30 minutos e funciona uma única vez.</p>
        </div>
      ) : (
        <form className="grid gap-4" onSubmit={onSubmit} aria-label="Esqueci minha senha">
          <FormField id="forgot-email" label="E-mail">
            <Input type="email" required autoFocus autoComplete="username" placeholder="voce@empresa.com.br"
              value={email} onChange={(e) => setEmail(e.target.value)} />
          </FormField>
          <SubmitButton pending={pending} icon={<Send />}>
            Enviar link
          </SubmitButton>
        </form>
      )}
    </AuthLayout>
  );
}
