import { Avatar, AvatarFallback } from "@/components/ui/avatar";
import { Badge } from "@/components/ui/badge";
import { initials } from "@/lib/utils";

import { useInbox } from "../stores/inbox";
import type { Department, InstanceSummary } from "../types";

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-muted-foreground text-[11px] font-semibold tracking-wide uppercase">{label}</dt>
      <dd className="text-sm break-words" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function ContactPanel({ departments, instances }: { departments: Department[]; instances: InstanceSummary[] }) {
  const c = useInbox((s) => s.open);
  if (!c) return null;
  const name = c.contact_name || c.phone || "Contato";
  const department = departments.find((d) => d.id === c.department_id)?.name ?? (c.department_id ? "—" : "Sem departamento");
  const instance = instances.find((i) => i.id === c.instance_id);
  const number = instance ? `${instance.name}${instance.phone ? ` (${instance.phone})` : ""}` : (c.instance_name ?? c.instance_id ?? "—");
  return (
    <aside aria-label="Contato" className="hidden w-72 shrink-0 overflow-y-auto border-l p-4 xl:block" data-testid="contact-panel">
      <div className="flex flex-col items-center gap-2 pb-4 text-center">
        <Avatar className="size-16">
          <AvatarFallback className="text-lg">{initials(name)}</AvatarFallback>
        </Avatar>
        <div className="font-semibold">{name}</div>
        {c.phone ? <div className="text-muted-foreground text-sm">{c.phone}</div> : null}
      </div>
      <dl className="space-y-3">
        <Row label="Telefone" value={c.phone ?? "—"} />
        <div>
          <dt className="text-muted-foreground text-[11px] font-semibold tracking-wide uppercase">Etiquetas</dt>
          <dd className="mt-1 flex flex-wrap gap-1">
            {(c.tags ?? []).length ? (
              (c.tags ?? []).map((t) => (
                <Badge key={t} variant="secondary">
                  {t}
                </Badge>
              ))
            ) : (
              <span className="text-muted-foreground text-sm">Nenhuma</span>
            )}
          </dd>
        </div>
        <Row label="Número" value={number} />
        <Row label="Departamento" value={department} testId="contact-department" />
        <Row label="Responsável" value={c.assigned_user_name ?? (c.assigned_user_id ? "—" : "Na fila")} testId="contact-assignee" />
      </dl>
    </aside>
  );
}
