import { useState } from "react";

import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";

import { contactsApi } from "../api";
import { phoneError } from "../lib/phone";
import type { Contact } from "../types";

export function NewContactDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (contact: Contact) => void;
}) {
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [touched, setTouched] = useState(false);
  const error = touched ? phoneError(phone) : undefined;
  const emailError = email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) ? "Informe um e-mail válido." : undefined;

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Novo contato"
      description="O telefone identifica o contato no WhatsApp."
      formId="new-contact"
      formClassName="grid gap-4"
      submitLabel="Criar contato"
      canSubmit={!phoneError(phone) && !emailError}
      onSubmit={() =>
        contactsApi.create({
          phone: phone.trim(),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(email.trim() ? { email: email.trim() } : {}),
        })
      }
      successMessage="Contato criado"
      onDone={(created) => {
        setName("");
        setPhone("");
        setEmail("");
        setTouched(false);
        onCreated(created);
      }}
    >
      <FormField id="new-contact-phone" label="Telefone" error={error}>
        <Input
          inputMode="tel"
          placeholder="(11) 98765-4321"
          value={phone}
          onBlur={() => setTouched(true)}
          onChange={(e) => setPhone(e.target.value)}
        />
      </FormField>
      <FormField id="new-contact-name" label="Nome">
        <Input maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
      </FormField>
      <FormField id="new-contact-email" label="E-mail" error={emailError}>
        <Input inputMode="email" maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
      </FormField>
    </FormDialog>
  );
}
