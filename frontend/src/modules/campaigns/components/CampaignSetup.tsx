/** What a campaign sends and how: its message variants, audience, numbers and pacing (the detail page). */
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

import type { Campaign } from "../types";

const DAYS = ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"];

export function CampaignSetup({ campaign }: { campaign: Campaign }) {
  const { pacing, audience, variants } = campaign;
  const tags = audience?.tags ?? [];
  const chosen = audience?.contact_ids?.length ?? 0;
  return (
    <Card data-testid="campaign-setup">
      <CardHeader>
        <CardTitle>Configuração</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 text-sm md:grid-cols-2">
        <div className="grid content-start gap-2">
          <div className="text-muted-foreground text-xs font-medium">
            {variants.length > 1 ? `Mensagem (${variants.length} variantes, teste A/B)` : "Mensagem"}
          </div>
          {variants.map((v, i) => (
            <div key={i} className="bg-muted/40 rounded-md border px-3 py-2 whitespace-pre-wrap" data-testid="setup-variant">
              {variants.length > 1 ? <strong className="mr-1">{String.fromCharCode(65 + i)}.</strong> : null}
              {v.text}
              {v.media ? <span className="text-muted-foreground ml-1">(+ anexo)</span> : null}
            </div>
          ))}
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
          <dt className="text-muted-foreground">Público</dt>
          <dd>
            {tags.length ? `Etiquetas: ${tags.join(", ")}` : null}
            {tags.length && chosen ? " + " : null}
            {chosen ? `${chosen} contatos escolhidos` : null}
            {!tags.length && !chosen ? "—" : null}
          </dd>
          <dt className="text-muted-foreground">Números</dt>
          <dd>{campaign.instance_ids.length}</dd>
          <dt className="text-muted-foreground">Intervalo</dt>
          <dd>{pacing ? `${pacing.min_delay_s}–${pacing.max_delay_s} s entre envios por número` : "—"}</dd>
          <dt className="text-muted-foreground">Janela</dt>
          <dd>
            {pacing ? `${pacing.window_start}–${pacing.window_end}, ${pacing.weekdays.map((d) => DAYS[d]).join(", ")}` : "—"}
          </dd>
          <dt className="text-muted-foreground">Limite diário</dt>
          <dd>{pacing ? `${pacing.daily_cap_per_number} por número` : "—"}</dd>
          <dt className="text-muted-foreground">Respostas contam por</dt>
          <dd>{campaign.reply_window_h} h</dd>
        </dl>
      </CardContent>
    </Card>
  );
}
