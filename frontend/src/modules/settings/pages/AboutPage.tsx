import { ExternalLink, Scale } from "lucide-react";

import { EVOLUTION_API_URL, EvolutionCredit } from "@/components/EvolutionCredit";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Separator } from "@/components/ui/separator";
import { useAuth } from "@/stores/auth";

export const APP_VERSION = __APP_VERSION__;

export function AboutPage() {
  const tenant = useAuth((s) => s.tenant);
  return (
    <Page>
      <PageHeader title="Sobre" description="Versão do produto, créditos e licenças." />
      <Card>
        <CardHeader>
          <CardTitle>ALREA Flow</CardTitle>
          <CardDescription>Campanhas e atendimento compartilhado no WhatsApp.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <div className="text-muted-foreground">Versão</div>
            <div className="font-medium" data-testid="app-version">
              {APP_VERSION}
            </div>
          </div>
          {tenant ? (
            <div>
              <div className="text-muted-foreground">Empresa</div>
              <div className="flex items-center gap-2 font-medium">
                {tenant.name}
                {tenant.plan ? (
                  <Badge variant="secondary" className="capitalize">
                    {tenant.plan}
                  </Badge>
                ) : null}
              </div>
            </div>
          ) : null}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <Scale className="size-4" />
            Créditos e licenças
          </CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <EvolutionCredit />
          <Separator />
          <p className="text-muted-foreground text-sm">
            A Evolution API é distribuída sob a Apache License 2.0. O ALREA Flow se conecta a ela como gateway HTTP
            para o WhatsApp.
          </p>
          <Button variant="outline" size="sm" asChild>
            <a href={EVOLUTION_API_URL} target="_blank" rel="noreferrer">
              <ExternalLink />
              Evolution API no GitHub
            </a>
          </Button>
        </CardContent>
      </Card>
    </Page>
  );
}
