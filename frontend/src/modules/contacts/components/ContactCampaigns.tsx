/** "Campanhas recebidas" in the contact drawer: each campaign sent to this contact, with its status there. */
import { Link } from "react-router-dom";

import { Skeleton } from "@/components/ui/skeleton";
import { useApiQuery } from "@/hooks/useApiQuery";
import { RecipientStatusBadge } from "@/modules/campaigns/components/RecipientStatusBadge";
import { formatDateTime } from "@/modules/campaigns/format";
import { useAuth } from "@/stores/auth";

import { contactsApi } from "../api";
import type { ContactCampaign } from "../types";

function when(c: ContactCampaign): string {
  if (c.sent_at) return `Enviada em ${formatDateTime(c.sent_at)}`;
  if (c.planned_at) return `Envio planejado para ${formatDateTime(c.planned_at)}`;
  return "Sem data de envio";
}

export function ContactCampaigns({ contactId }: { contactId: string }) {
  // Campaign pages are for admins and managers; agents see the names without a link.
  const canOpen = useAuth((s) => s.user?.role !== "agent");
  const campaigns = useApiQuery((signal) => contactsApi.campaigns(contactId, signal), [contactId]);
  const list = campaigns.data ?? [];

  return (
    <section className="space-y-2" aria-labelledby="contact-campaigns-title" data-testid="contact-campaigns">
      <h3 id="contact-campaigns-title" className="text-sm font-medium">
        Campanhas recebidas
      </h3>
      {campaigns.loading ? (
        <Skeleton className="h-14 w-full" />
      ) : campaigns.error ? (
        <p className="text-muted-foreground text-sm">Não foi possível carregar as campanhas.</p>
      ) : list.length === 0 ? (
        <p className="text-muted-foreground text-sm">Nenhuma campanha enviada para este contato.</p>
      ) : (
        <ul className="divide-y rounded-lg border">
          {list.map((c) => (
            <li
              key={c.campaign_id}
              className="flex items-start justify-between gap-3 p-3"
              data-testid="contact-campaign"
              data-campaign-id={c.campaign_id}
            >
              <div className="min-w-0 space-y-0.5">
                {canOpen ? (
                  <Link
                    to={`/campaigns/${c.campaign_id}`}
                    className="block truncate text-sm font-medium underline-offset-4 hover:underline"
                  >
                    {c.campaign_name}
                  </Link>
                ) : (
                  <span className="block truncate text-sm font-medium">{c.campaign_name}</span>
                )}
                <p className="text-muted-foreground text-xs">{when(c)}</p>
              </div>
              <RecipientStatusBadge status={c.status} title={c.error ?? undefined} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
