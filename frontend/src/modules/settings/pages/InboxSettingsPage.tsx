import { Loader2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";

import { settingsApi } from "../api";
import { useInboxSettings } from "../hooks/useSettingsData";
import { MAX_WAIT_MINUTES, thresholdErrors } from "../inboxSettings";
import type { InboxSettings } from "../types";

/** The tenant's inbox settings: automatic assignment and the waiting-timer thresholds. */
export function InboxSettingsPage() {
  const query = useInboxSettings();
  const [saved, setSaved] = useState<InboxSettings | null>(null);
  const [autoAssign, setAutoAssign] = useState(false);
  const [warn, setWarn] = useState("");
  const [alert, setAlert] = useState("");
  const [saving, setSaving] = useState(false);

  function show(s: InboxSettings) {
    setSaved(s);
    setAutoAssign(s.auto_assign);
    setWarn(String(s.wait_warn_minutes));
    setAlert(String(s.wait_alert_minutes));
  }

  useEffect(() => {
    if (query.data) show(query.data);
  }, [query.data]);

  const errors = thresholdErrors(warn, alert);
  const dirty =
    saved !== null &&
    (autoAssign !== saved.auto_assign ||
      warn.trim() !== String(saved.wait_warn_minutes) ||
      alert.trim() !== String(saved.wait_alert_minutes));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (errors.warn || errors.alert) return;
    setSaving(true);
    try {
      show(
        await settingsApi.saveInboxSettings({
          auto_assign: autoAssign,
          wait_warn_minutes: Number(warn),
          wait_alert_minutes: Number(alert),
        }),
      );
      toast.success("Configurações de atendimento salvas");
    } catch {
      // 4xx are toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Page>
      <PageHeader title="Atendimento" description="Como as conversas chegam à equipe e quando um cliente espera demais." />
      {query.loading ? (
        <Skeleton className="h-72 w-full" />
      ) : !query.data ? (
        <p className="text-muted-foreground text-sm">Não foi possível carregar a configuração.</p>
      ) : (
        <form onSubmit={onSubmit} className="grid gap-6" data-testid="inbox-settings">
          <Card>
            <CardHeader>
              <CardTitle>Tempo de espera</CardTitle>
              <CardDescription>
                Cada conversa esperando resposta mostra há quanto tempo o cliente aguarda. O tempo fica amarelo e
                depois vermelho a partir destes minutos.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-2">
              <FormField id="wait-warn" label="Atenção (amarelo) a partir de — minutos" error={errors.warn}>
                <Input
                  inputMode="numeric"
                  type="number"
                  min={1}
                  max={MAX_WAIT_MINUTES}
                  value={warn}
                  onChange={(e) => setWarn(e.target.value)}
                />
              </FormField>
              <FormField id="wait-alert" label="Alerta (vermelho) a partir de — minutos" error={errors.alert}>
                <Input
                  inputMode="numeric"
                  type="number"
                  min={1}
                  max={MAX_WAIT_MINUTES}
                  value={alert}
                  onChange={(e) => setAlert(e.target.value)}
                />
              </FormField>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Distribuição automática</CardTitle>
              <CardDescription>
                Uma conversa nova vai para o atendente online do departamento com menos conversas abertas.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <label className="flex items-center gap-3 text-sm">
                <Switch checked={autoAssign} onCheckedChange={setAutoAssign} aria-label="Distribuir conversas automaticamente" />
                Distribuir conversas automaticamente
              </label>
            </CardContent>
          </Card>

          <div className="flex flex-wrap items-center justify-end gap-2">
            {dirty ? <span className="text-muted-foreground mr-auto text-sm">Alterações não salvas</span> : null}
            <Button type="submit" disabled={saving || !dirty || !!errors.warn || !!errors.alert}>
              {saving ? <Loader2 className="animate-spin" /> : null}
              Salvar
            </Button>
          </div>
        </form>
      )}
    </Page>
  );
}
