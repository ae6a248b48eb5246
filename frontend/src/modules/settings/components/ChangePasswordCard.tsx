import { KeyRound, Loader2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { authApi } from "@/modules/auth/api";
import { PasswordField } from "@/modules/auth/components/PasswordField";
import { useAuth } from "@/stores/auth";

/** Meu perfil → Senha: the current one is required; other devices are signed out, this tab keeps going. */
export function ChangePasswordCard() {
  const setTokens = useAuth((s) => s.setTokens);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (next !== confirm) {
      toast.error("As senhas novas não conferem.");
      return;
    }
    setSaving(true);
    try {
      setTokens(await authApi.changePassword(current, next));
      setCurrent("");
      setNext("");
      setConfirm("");
      toast.success("Senha alterada. As outras sessões foram encerradas.");
    } catch {
      // toasted: wrong current password, weak new one, too many attempts
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Senha</CardTitle>
        <CardDescription>Ao trocar a senha, você continua conectado aqui e sai de todos os outros aparelhos.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid max-w-md gap-4" onSubmit={save} aria-label="Trocar senha">
          <PasswordField id="password-current" label="Senha atual" autoComplete="current-password" value={current}
            onChange={setCurrent} />
          <PasswordField id="password-new" label="Nova senha" autoComplete="new-password" value={next} onChange={setNext} />
          <PasswordField id="password-confirm" label="Repita a nova senha" autoComplete="new-password" value={confirm}
            onChange={setConfirm} />
          <div>
            <Button type="submit" disabled={saving || !current || !next}>
              {saving ? <Loader2 className="animate-spin" /> : <KeyRound />}
              Trocar senha
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
