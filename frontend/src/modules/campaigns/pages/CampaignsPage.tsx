import { Megaphone } from "lucide-react";

import { EmptyState } from "@/components/EmptyState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";

/** Campaigns — placeholder until the campaigns module lands. */
export function CampaignsPage() {
  return (
    <Page>
      <PageHeader title="Campanhas" description="Envios em massa com ritmo seguro, janela de horário e rotação de números." />
      <EmptyState
        icon={Megaphone}
        title="Nenhuma campanha ainda"
        description="A criação e o acompanhamento de campanhas chegam em breve."
      >
        <Badge variant="warning">Em breve</Badge>
      </EmptyState>
    </Page>
  );
}
