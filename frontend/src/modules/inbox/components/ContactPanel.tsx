import { Loader2, MessagesSquare, Plus, X } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { ContactAvatar } from "@/components/ContactAvatar";
import { FormField } from "@/components/FormField";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Textarea } from "@/components/ui/textarea";
import { useApiQuery } from "@/hooks/useApiQuery";
import { contactsApi } from "@/modules/contacts/api";
import { ContactCampaigns } from "@/modules/contacts/components/ContactCampaigns";
import { CustomFieldInputs } from "@/modules/contacts/components/CustomFieldInputs";
import type { FieldDef } from "@/modules/contacts/types";

import { inboxApi } from "../api";
import { listStamp } from "../lib/format";
import { useContactSheet } from "../stores/contactPanel";
import { useInbox } from "../stores/inbox";
import type { Conversation, ConversationContact, Department, InstanceSummary } from "../types";

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

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="space-y-2 border-t pt-3" data-testid={testId}>
      <h3 className="text-muted-foreground text-[11px] font-semibold tracking-wide uppercase">{title}</h3>
      {children}
    </section>
  );
}

const splitTags = (value: string) =>
  value
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean);

/** Labels of the CONVERSATION (not the contact): add with the field, remove with ✕. */
function ConversationTags({ c }: { c: Conversation }) {
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const tags = c.tags ?? [];

  const save = async (next: string[]) => {
    setBusy(true);
    try {
      useInbox.getState().upsertConversation(await inboxApi.setTags(c.id, next));
      setDraft("");
    } catch {
      // toasted by the API client
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const extra = splitTags(draft);
    if (extra.length) void save([...tags, ...extra]);
  };

  return (
    <Section title="Etiquetas da conversa" testId="conversation-tags">
      <div className="flex flex-wrap gap-1">
        {tags.length ? (
          tags.map((t) => (
            <Badge key={t} variant="secondary" className="gap-1" data-testid="conversation-tag">
              {t}
              <button
                type="button"
                aria-label={`Remover etiqueta ${t}`}
                disabled={busy}
                onClick={() => void save(tags.filter((x) => x !== t))}
              >
                <X className="size-3" />
              </button>
            </Badge>
          ))
        ) : (
          <span className="text-muted-foreground text-sm">Nenhuma</span>
        )}
      </div>
      <form onSubmit={add} className="flex gap-1">
        <Input
          aria-label="Nova etiqueta da conversa"
          placeholder="Nova etiqueta"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          className="h-8"
        />
        <Button type="submit" size="icon" variant="outline" className="size-8" aria-label="Adicionar etiqueta" disabled={busy || !draft.trim()}>
          <Plus />
        </Button>
      </form>
    </Section>
  );
}

/** The contact's editable data (name, contact tags, custom fields, notes), saved through the conversation. */
function ContactForm({
  c,
  data,
  fields,
  onSaved,
}: {
  c: Conversation;
  data: ConversationContact;
  fields: FieldDef[];
  onSaved: (d: ConversationContact) => void;
}) {
  const contact = data.contact;
  const [name, setName] = useState("");
  const [tags, setTags] = useState("");
  const [notes, setNotes] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setName(contact.name ?? "");
    setTags(contact.tags.join(", "));
    setNotes(contact.notes ?? "");
    setValues(Object.fromEntries(fields.map((f) => [f.name, String(contact.fields[f.name] ?? "")])));
  }, [contact, fields]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    try {
      const updated = await inboxApi.editContact(c.id, {
        name: name.trim() || null,
        tags: splitTags(tags),
        notes: notes.trim() || null,
        fields: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() ? v : null])),
      });
      onSaved(updated);
      useInbox.getState().upsertConversation({ id: c.id, contact_name: updated.contact.name });
      toast.success("Contato salvo");
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  };

  const idp = `cp-${c.id.slice(0, 8)}`;
  return (
    <form onSubmit={(e) => void save(e)} className="space-y-3" data-testid="contact-form">
      <FormField id={`${idp}-name`} label="Nome">
        <Input value={name} onChange={(e) => setName(e.target.value)} />
      </FormField>
      <FormField id={`${idp}-tags`} label="Etiquetas do contato (separadas por vírgula)">
        <Input value={tags} onChange={(e) => setTags(e.target.value)} />
      </FormField>
      <CustomFieldInputs fields={fields} values={values} onChange={setValues} idPrefix={idp} />
      <FormField id={`${idp}-notes`} label="Notas">
        <Textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} />
      </FormField>
      <Button type="submit" size="sm" className="w-full" disabled={saving}>
        {saving ? <Loader2 className="animate-spin" /> : null}
        Salvar contato
      </Button>
    </form>
  );
}

function OtherConversations({ items, instances }: { items: Conversation[]; instances: InstanceSummary[] }) {
  const select = useInbox((s) => s.select);
  return (
    <Section title="Outras conversas do contato" testId="contact-conversations">
      {items.length === 0 ? (
        <p className="text-muted-foreground text-sm">Nenhuma outra conversa (em outros números).</p>
      ) : (
        <ul className="divide-y rounded-md border">
          {items.map((o) => (
            <li key={o.id}>
              <button type="button" onClick={() => select(o.id)} className="hover:bg-muted flex w-full items-center gap-2 p-2 text-left text-sm">
                <MessagesSquare className="text-muted-foreground size-4 shrink-0" />
                <span className="min-w-0 flex-1 truncate">
                  {instances.find((i) => i.id === o.instance_id)?.name ?? "Outro número"} · {o.last_message_preview ?? ""}
                </span>
                <span className="text-muted-foreground shrink-0 text-[11px]">{listStamp(o.last_message_at)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** Everything the panel shows about the open chat; the same content in the side column and in the drawer. */
function ContactDetails({ departments, instances }: { departments: Department[]; instances: InstanceSummary[] }) {
  const c = useInbox((s) => s.open);
  const cid = c?.id ?? null;
  const hasContact = !!c && !c.is_group;
  const query = useApiQuery((_signal) => (cid && hasContact ? inboxApi.contact(cid) : Promise.resolve(null)), [cid, hasContact]);
  const fields = useApiQuery(() => contactsApi.fields().catch(() => [] as FieldDef[]), []);
  const [data, setData] = useState<ConversationContact | null>(null);
  useEffect(() => setData(query.data ?? null), [query.data]);

  if (!c) return null;
  const name = c.contact_name || c.phone || "Contato";
  const department = departments.find((d) => d.id === c.department_id)?.name ?? (c.department_id ? "—" : "Sem departamento");
  const instance = instances.find((i) => i.id === c.instance_id);
  const number = instance ? `${instance.name}${instance.phone ? ` (${instance.phone})` : ""}` : (c.instance_name ?? c.instance_id ?? "—");
  return (
    <div className="space-y-4">
      <div className="flex flex-col items-center gap-2 text-center">
        <ContactAvatar name={name} url={data?.contact.avatar_url ?? c.avatar_url} group={c.is_group} className="size-16" fallbackClassName="text-lg" />
        <div className="font-semibold" data-testid="contact-panel-name">
          {name}
        </div>
        {c.phone ? <div className="text-muted-foreground text-sm">{c.phone}</div> : null}
      </div>
      <dl className="space-y-3">
        <Row label="Número" value={number} />
        <Row label="Departamento" value={department} testId="contact-department" />
        <Row label="Responsável" value={c.assigned_user_name ?? (c.assigned_user_id ? "—" : "Na fila")} testId="contact-assignee" />
      </dl>
      <ConversationTags c={c} />
      {hasContact ? (
        <Section title="Contato">
          {data ? (
            <ContactForm c={c} data={data} fields={fields.data ?? []} onSaved={setData} />
          ) : query.loading ? (
            <Loader2 className="text-muted-foreground mx-auto size-4 animate-spin" />
          ) : (
            <p className="text-muted-foreground text-sm">Contato não encontrado.</p>
          )}
        </Section>
      ) : null}
      {data ? <OtherConversations items={data.conversations} instances={instances} /> : null}
      {data ? (
        <div className="border-t pt-3">
          <ContactCampaigns key={data.contact.id} contactId={data.contact.id} />
        </div>
      ) : null}
    </div>
  );
}

/** The chat's contact panel: a side column on wide screens, a drawer (opened from the chat header) below that. */
export function ContactPanel({ departments, instances }: { departments: Department[]; instances: InstanceSummary[] }) {
  const c = useInbox((s) => s.open);
  const sheetOpen = useContactSheet((s) => s.open);
  const setSheetOpen = useContactSheet((s) => s.setOpen);
  const [wide, setWide] = useState(() => window.matchMedia("(min-width: 1280px)").matches);
  useEffect(() => {
    const mq = window.matchMedia("(min-width: 1280px)");
    const on = () => setWide(mq.matches);
    mq.addEventListener("change", on);
    return () => mq.removeEventListener("change", on);
  }, []);
  if (!c) return null;
  if (wide) {
    return (
      <aside aria-label="Contato" className="w-72 shrink-0 overflow-y-auto border-l p-4" data-testid="contact-panel">
        <ContactDetails departments={departments} instances={instances} />
      </aside>
    );
  }
  return (
    <Sheet open={sheetOpen} onOpenChange={setSheetOpen}>
      <SheetContent className="w-full overflow-y-auto sm:max-w-sm" data-testid="contact-panel">
        <SheetHeader>
          <SheetTitle>Contato</SheetTitle>
          <SheetDescription>Dados do contato e da conversa</SheetDescription>
        </SheetHeader>
        <div className="px-4 pb-6">
          <ContactDetails departments={departments} instances={instances} />
        </div>
      </SheetContent>
    </Sheet>
  );
}
