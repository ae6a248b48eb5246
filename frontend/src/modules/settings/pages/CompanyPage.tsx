import { Loader2 } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { OptionSelect } from "@/components/OptionSelect";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { useAuth } from "@/stores/auth";

import { settingsApi } from "../api";
import { COUNTRIES, TIMEZONES, withCurrent } from "../companyOptions";

/** Configurações → Empresa (admins): the company's name, time zone (campaign send windows) and country. */
export function CompanyPage() {
  const tenant = useAuth((s) => s.tenant);
  const loadMe = useAuth((s) => s.loadMe);
  const [name, setName] = useState(tenant?.name ?? "");
  const [timezone, setTimezone] = useState(tenant?.timezone ?? "America/Sao_Paulo");
  const [country, setCountry] = useState(tenant?.country ?? "BR");
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setName(tenant?.name ?? "");
    setTimezone(tenant?.timezone ?? "America/Sao_Paulo");
    setCountry(tenant?.country ?? "BR");
  }, [tenant?.name, tenant?.timezone, tenant?.country]);

  const unchanged = name.trim() === tenant?.name && timezone === tenant?.timezone && country === tenant?.country;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return;
    setSaving(true);
    try {
      await settingsApi.updateTenant({ name: name.trim(), timezone, country });
      await loadMe();
      toast.success("Dados da empresa salvos");
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Page>
      <PageHeader title="Empresa" description="Como a sua empresa aparece no ALREA Flow e em que fuso ela trabalha." />
      <Card>
        <CardHeader>
          <CardTitle>Dados da empresa</CardTitle>
          <CardDescription>
            O fuso horário define as janelas de envio das novas campanhas. O país é o padrão dos números de telefone
            sem código do país.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="grid max-w-xl gap-4" onSubmit={save} aria-label="Dados da empresa">
            <FormField id="company-name" label="Nome da empresa">
              <Input required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
            </FormField>
            <FormField id="company-timezone" label="Fuso horário">
              <OptionSelect value={timezone} onChange={setTimezone} options={withCurrent(TIMEZONES, tenant?.timezone)} />
            </FormField>
            <FormField id="company-country" label="País">
              <OptionSelect value={country} onChange={setCountry} options={withCurrent(COUNTRIES, tenant?.country)} />
            </FormField>
            <div>
              <Button type="submit" disabled={saving || !name.trim() || unchanged}>
                {saving ? <Loader2 className="animate-spin" /> : null}
                Salvar
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </Page>
  );
}
