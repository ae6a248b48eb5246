import { UsersRound } from "lucide-react";

import { EmptyState } from "@/components/EmptyState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";

/** Contacts — placeholder until the contacts module lands. */
export function ContactsPage() {
  return (
    <Page>
      <PageHeader title="Contatos" description="Sua base de contatos, tags e importação por CSV." />
      <EmptyState
        icon={UsersRound}
        title="Nenhum contato ainda"
        description="A gestão de contatos chega em breve."
      >
        <Badge variant="warning">Em breve</Badge>
      </EmptyState>
    </Page>
  );
}
