import { Loader2, MessageSquare } from "lucide-react";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";

import { contactsApi } from "../api";
import { SOURCE_LABELS, type Contact, type FieldDef } from "../types";
import { ContactCampaigns } from "./ContactCampaigns";
import { CustomFieldInputs } from "./CustomFieldInputs";
import { DeleteContactButton } from "./DeleteContactButton";
import { EraseContactButton } from "./EraseContactButton";

interface Props {
  contact: Contact | null;
  fields: FieldDef[];
  onClose: () => void;
  onChanged: (contact: Contact) => void;
  /** The contact was erased (LGPD): gone for good. */
  onErased?: () => void;
}

export function ContactDrawer({ contact, fields, onClose, onChanged, onErased }: Props) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [notes, setNotes] = useState("");
  const [tags, setTags] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState("");
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!contact) return;
    setName(contact.name ?? "");
    setEmail(contact.email ?? "");
    setNotes(contact.notes ?? "");
    setTags(contact.tags.join(", "));
    setValues(Object.fromEntries(fields.map((f) => [f.name, String(contact.fields[f.name] ?? "")])));
    setReason("");
  }, [contact, fields]);

  if (!contact) return null;

  async function save() {
    if (!contact) return;
    setSaving(true);
    try {
      const fieldValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() ? v : null]));
      const updated = await contactsApi.update(contact.id, {
        name: name.trim() || null,
        email: email.trim() || null,
        notes: notes.trim() || null,
        tags: tags.split(/[,;]/).map((t) => t.trim()).filter(Boolean),
        fields: fieldValues,
      });
      onChanged(updated);
      toast.success("Contato salvo");
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  async function toggleOptOut(optedOut: boolean) {
    if (!contact) return;
    try {
      const updated = optedOut
        ? await contactsApi.optOut(contact.id, reason.trim() || "pedido do contato")
        : await contactsApi.optIn(contact.id);
      onChanged(updated);
      toast.success(optedOut ? "Contato descadastrado das campanhas" : "Contato voltou a receber campanhas");
    } catch {
      // toasted by the API client
    }
  }

  return (
    <Sheet open={!!contact} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="w-full overflow-y-auto sm:max-w-md" data-testid="contact-drawer">
        <SheetHeader>
          <SheetTitle>{contact.name || contact.phone || contact.key}</SheetTitle>
          <SheetDescription>
            {contact.phone ?? contact.key} · origem: {SOURCE_LABELS[contact.source ?? ""] ?? "—"}
          </SheetDescription>
        </SheetHeader>
        <div className="space-y-4 px-4 pb-6">
          <FormField id="c-name" label="Nome">
            <Input value={name} onChange={(e) => setName(e.target.value)} />
          </FormField>
          <FormField id="c-email" label="E-mail">
            <Input value={email} onChange={(e) => setEmail(e.target.value)} />
          </FormField>
          <FormField id="c-tags" label="Etiquetas (separadas por vírgula)">
            <Input value={tags} onChange={(e) => setTags(e.target.value)} />
          </FormField>
          <CustomFieldInputs fields={fields} values={values} onChange={setValues} idPrefix="c" />
          <FormField id="c-notes" label="Notas">
            <Textarea value={notes} onChange={(e) => setNotes(e.target.value)} />
          </FormField>
          <Button onClick={() => void save()} disabled={saving} className="w-full">
            {saving && <Loader2 className="animate-spin" />}
            Salvar
          </Button>

          <div className="space-y-2 rounded-lg border p-3">
            <div className="flex items-center justify-between gap-2">
              <Label htmlFor="c-optout">Descadastrado de campanhas</Label>
              <Switch
                id="c-optout"
                aria-label="Descadastrado de campanhas"
                checked={!!contact.opted_out}
                onCheckedChange={(v) => void toggleOptOut(v)}
              />
            </div>
            {contact.opted_out ? (
              <p className="text-muted-foreground text-sm" data-testid="optout-info">
                Desde {new Date(contact.opted_out.at).toLocaleString("pt-BR")} — {contact.opted_out.reason}
              </p>
            ) : (
              <Input
                aria-label="Motivo do descadastro"
                placeholder="Motivo (opcional)"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </div>

          <div className="space-y-1 text-sm">
            <p className="text-muted-foreground">
              Última interação:{" "}
              {contact.last_interaction_at ? new Date(contact.last_interaction_at).toLocaleString("pt-BR") : "—"}
            </p>
            <Button asChild variant="outline" size="sm">
              <Link to={`/inbox?q=${encodeURIComponent(contact.phone ?? contact.key)}`}>
                <MessageSquare />
                Ver conversas
              </Link>
            </Button>
            {contact.tags.length > 0 && (
              <div className="flex flex-wrap gap-1 pt-2">
                {contact.tags.map((t) => (
                  <Badge key={t} variant="secondary">
                    {t}
                  </Badge>
                ))}
              </div>
            )}
          </div>

          <ContactCampaigns key={contact.id} contactId={contact.id} />
          <DeleteContactButton
            contactId={contact.id}
            label={contact.name || contact.phone || contact.key}
            onDeleted={() => (onErased ? onErased() : onClose())}
          />
          <EraseContactButton
            contactId={contact.id}
            label={contact.name || contact.phone || contact.key}
            onErased={() => (onErased ? onErased() : onClose())}
          />
        </div>
      </SheetContent>
    </Sheet>
  );
}
