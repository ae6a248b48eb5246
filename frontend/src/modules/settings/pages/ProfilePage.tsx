import { Loader2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { ErrorState } from "@/components/ErrorState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";
import { useApiQuery } from "@/hooks/useApiQuery";
import { roleLabel } from "@/modules/auth/types";
import { notificationsApi } from "@/modules/notifications/api";
import { KIND_LABELS, kindsFor } from "@/modules/notifications/types";
import { useAuth } from "@/stores/auth";

import { settingsApi } from "../api";
import { ChangePasswordCard } from "../components/ChangePasswordCard";

/** The caller's own account: their name, and which notifications they want. */
export function ProfilePage() {
  const user = useAuth((s) => s.user);
  const loadMe = useAuth((s) => s.loadMe);
  const [name, setName] = useState(user?.name ?? "");
  const [saving, setSaving] = useState(false);
  const prefs = useApiQuery((signal) => notificationsApi.preferences(signal), []);
  const [muted, setMuted] = useState<string[] | null>(null);

  useEffect(() => setName(user?.name ?? ""), [user?.name]);
  useEffect(() => {
    if (prefs.data) setMuted(prefs.data.muted);
  }, [prefs.data]);

  async function saveName(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return;
    setSaving(true);
    try {
      await settingsApi.renameMe(name.trim());
      await loadMe();
      toast.success("Nome atualizado");
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  async function toggle(kind: string, on: boolean) {
    const before = muted ?? [];
    const next = on ? before.filter((k) => k !== kind) : [...before, kind];
    setMuted(next);
    try {
      setMuted((await notificationsApi.savePreferences(next)).muted);
      toast.success("Preferências de notificação salvas");
    } catch {
      setMuted(before);
    }
  }

  return (
    <Page>
      <PageHeader title="Meu perfil" description="Como a equipe vê você e o que você quer ser avisado." />
      <Card>
        <CardHeader>
          <CardTitle>Dados pessoais</CardTitle>
          <CardDescription>
            {user?.email} · <Badge variant="secondary">{roleLabel(user?.role)}</Badge>
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="flex flex-col gap-3 sm:flex-row sm:items-end" onSubmit={saveName}>
            <FormField id="profile-name" label="Nome" className="flex-1" hint="Aparece nas atribuições, notas e menções (@nome).">
              <Input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
            </FormField>
            <Button type="submit" disabled={saving || !name.trim() || name.trim() === user?.name}>
              {saving ? <Loader2 className="animate-spin" /> : null}
              Salvar nome
            </Button>
          </form>
        </CardContent>
      </Card>
      <ChangePasswordCard />
      <Card>
        <CardHeader>
          <CardTitle>Notificações</CardTitle>
          <CardDescription>Tipos desligados não aparecem no sino nem como aviso na tela.</CardDescription>
        </CardHeader>
        <CardContent>
          {prefs.loading ? (
            <Skeleton className="h-32 w-full" />
          ) : prefs.failed ? (
            <ErrorState what="as preferências" onRetry={prefs.refetch} />
          ) : (
            <ul className="divide-y" data-testid="notification-preferences">
              {kindsFor(user?.role).map((kind) => {
                const on = !(muted ?? []).includes(kind);
                return (
                  <li key={kind} className="flex items-center justify-between gap-4 py-2.5">
                    <label htmlFor={`pref-${kind}`} className="text-sm">
                      {KIND_LABELS[kind]}
                    </label>
                    <Switch id={`pref-${kind}`} checked={on} onCheckedChange={(v) => void toggle(kind, v)} />
                  </li>
                );
              })}
            </ul>
          )}
        </CardContent>
      </Card>
    </Page>
  );
}
