import { MessagesSquare } from "lucide-react";

import { EmptyState } from "@/components/EmptyState";
import { Page, PageHeader } from "@/components/PageHeader";

/** Flow Chat — the shared inbox. Placeholder until the inbox module lands. */
export function InboxPage() {
  return (
    <Page>
      <PageHeader title="Flow Chat" description="Atendimento compartilhado do WhatsApp em tempo real." />
      <EmptyState
        icon={MessagesSquare}
        title="Nenhuma conversa ainda"
        description="Quando um contato enviar uma mensagem para um dos seus números, a conversa aparece aqui."
      />
    </Page>
  );
}
