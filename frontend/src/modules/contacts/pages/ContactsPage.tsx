import { Download, Search, Tag, Upload, UserPlus, UsersRound } from "lucide-react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { toast } from "sonner";

import { ContactAvatar } from "@/components/ContactAvatar";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useResync } from "@/hooks/useRealtime";
import { api } from "@/lib/api";
import { plural } from "@/lib/plural";
import { useAuth } from "@/stores/auth";
import { ReadOnlyHint, useReadOnly } from "@/modules/billing";

import { contactsApi } from "../api";
import { ContactDrawer } from "../components/ContactDrawer";
import { ImportWizard } from "../components/ImportWizard";
import { NewContactDialog } from "../components/NewContactDialog";
import { TagBadges } from "../components/TagBadges";
import { useContacts } from "../hooks/useContacts";
import { SOURCE_LABELS, type Contact, type ContactFilter, type FieldDef, type TagCount } from "../types";

const SELECT = "border-input bg-background h-9 rounded-md border px-2 text-sm";

export function ContactsPage() {
  const readOnly = useReadOnly() !== null;
  const role = useAuth((s) => s.user?.role);
  const canImport = role === "admin" || role === "manager";
  const [q, setQ] = useState("");
  const [tag, setTag] = useState("");
  const [optedOut, setOptedOut] = useState("");
  const filter = useMemo<ContactFilter>(
    () => ({
      q: q.trim() || undefined,
      tag: tag || undefined,
      opted_out: optedOut === "" ? undefined : optedOut === "true",
    }),
    [q, tag, optedOut],
  );
  const contacts = useContacts(filter);
  const [tags, setTags] = useState<TagCount[]>([]);
  const [fields, setFields] = useState<FieldDef[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkTag, setBulkTag] = useState("");
  const [open, setOpen] = useState<Contact | null>(null);
  const [importing, setImporting] = useState(false);
  const [creating, setCreating] = useState(false);

  const loadTags = useCallback(async () => {
    try {
      setTags(await contactsApi.tags());
    } catch {
      // toasted
    }
  }, []);

  useEffect(() => {
    void loadTags();
    contactsApi.fields().then(setFields, () => undefined);
  }, [loadTags]);

  useEffect(() => setSelected(new Set()), [filter]);

  const refresh = useCallback(() => {
    void contacts.refetch();
    void loadTags();
  }, [contacts, loadTags]);
  useResync(refresh);

  function toggle(id: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  const allSelected = contacts.items.length > 0 && contacts.items.every((c) => selected.has(c.id));

  async function applyBulk(op: "add" | "remove") {
    const value = bulkTag.trim();
    if (!value || selected.size === 0) return;
    try {
      await contactsApi.bulkTags({ [op]: [value], ids: [...selected] });
      toast.success(op === "add" ? `Etiqueta “${value}” adicionada` : `Etiqueta “${value}” removida`);
      setBulkTag("");
      refresh();
    } catch {
      // toasted
    }
  }

  async function exportCsv() {
    try {
      const res = await api.get<Blob>(contactsApi.exportUrl(filter), { responseType: "blob", timeout: 120_000 });
      const url = URL.createObjectURL(res.data);
      const a = document.createElement("a");
      a.href = url;
      a.download = "contatos.csv";
      a.click();
      URL.revokeObjectURL(url);
    } catch {
      // toasted
    }
  }

  return (
    <Page>
      <PageHeader
        title="Contatos"
        description="Sua base de contatos, etiquetas, descadastros e importação por CSV."
        actions={
          <div className="flex gap-2">
            <Button variant="outline" onClick={() => void exportCsv()}>
              <Download />
              Exportar CSV
            </Button>
            <Button variant="outline" onClick={() => setCreating(true)}>
              <UserPlus />
              Novo contato
            </Button>
            {canImport && (
              <ReadOnlyHint>
                <Button onClick={() => setImporting(true)} disabled={readOnly}>
                  <Upload />
                  Importar CSV
                </Button>
              </ReadOnlyHint>
            )}
          </div>
        }
      />

      <div className="flex flex-wrap items-center gap-2">
        <div className="relative min-w-64 flex-1">
          <Search className="text-muted-foreground absolute top-2.5 left-2.5 size-4" />
          <Input
            aria-label="Buscar contatos"
            placeholder="Buscar por nome ou telefone"
            className="pl-8"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <select aria-label="Filtrar por etiqueta" className={SELECT} value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">Todas as etiquetas</option>
          {tags.map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.count})
            </option>
          ))}
        </select>
        <select
          aria-label="Filtrar por descadastro"
          className={SELECT}
          value={optedOut}
          onChange={(e) => setOptedOut(e.target.value)}
        >
          <option value="">Todos</option>
          <option value="false">Recebem campanhas</option>
          <option value="true">Descadastrados</option>
        </select>
      </div>

      {selected.size > 0 && (
        <div className="bg-muted/60 flex flex-wrap items-center gap-2 rounded-lg p-2" data-testid="bulk-bar">
          <span className="text-sm">{plural(selected.size, "selecionado", "selecionados")}</span>
          <Input
            aria-label="Etiqueta em massa"
            placeholder="etiqueta"
            className="h-8 w-40"
            value={bulkTag}
            onChange={(e) => setBulkTag(e.target.value)}
          />
          <Button size="sm" onClick={() => void applyBulk("add")}>
            <Tag />
            Adicionar etiqueta
          </Button>
          <Button size="sm" variant="outline" onClick={() => void applyBulk("remove")}>
            Remover etiqueta
          </Button>
        </div>
      )}

      {contacts.loading && contacts.items.length === 0 ? (
        <Card className="gap-3 p-4">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-10 w-full" />
          ))}
        </Card>
      ) : contacts.failed && contacts.items.length === 0 ? (
        <ErrorState what="os contatos" onRetry={() => contacts.refetch().catch(() => undefined)} />
      ) : contacts.items.length === 0 ? (
        <EmptyState
          icon={UsersRound}
          title="Nenhum contato encontrado"
          description={filter.q || filter.tag || filter.opted_out !== undefined ? "Ajuste os filtros." : "Importe um CSV para começar."}
        />
      ) : (
        <Card className="py-0">
          <ul className="divide-y md:hidden" data-testid="contacts-cards">
            {contacts.items.map((c) => (
              <li key={c.id} className="flex cursor-pointer items-start gap-3 p-3" onClick={() => setOpen(c)} data-testid="contact-card">
                <input
                  type="checkbox"
                  className="mt-1"
                  aria-label={`Selecionar ${c.name ?? c.phone ?? c.key}`}
                  checked={selected.has(c.id)}
                  onClick={(e) => e.stopPropagation()}
                  onChange={() => toggle(c.id)}
                />
                <ContactAvatar name={c.name || c.phone || c.key} url={c.avatar_url} className="size-9" />
                <div className="min-w-0 flex-1 space-y-1">
                  <div className="flex items-center justify-between gap-2">
                    <span className="truncate font-medium">{c.name ?? "—"}</span>
                    {c.opted_out ? <Badge variant="warning">Descadastrado</Badge> : <Badge variant="outline">Ativo</Badge>}
                  </div>
                  <div className="text-muted-foreground font-mono text-sm">{c.phone ?? c.key}</div>
                  <TagBadges tags={c.tags} />
                </div>
              </li>
            ))}
          </ul>
          <div className="hidden md:block">
            <Table data-testid="contacts-table">
              <TableHeader>
                <TableRow>
                  <TableHead className="w-10 pl-4">
                    <input
                      type="checkbox"
                      aria-label="Selecionar todos"
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(contacts.items.map((c) => c.id)))}
                    />
                  </TableHead>
                  <TableHead>Nome</TableHead>
                  <TableHead>Telefone</TableHead>
                  <TableHead>Etiquetas</TableHead>
                  <TableHead>Origem</TableHead>
                  <TableHead>Status</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {contacts.items.map((c) => (
                  <TableRow key={c.id} className="cursor-pointer" onClick={() => setOpen(c)} data-testid="contact-row">
                    <TableCell className="pl-4" onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`Selecionar ${c.name ?? c.phone ?? c.key}`}
                        checked={selected.has(c.id)}
                        onChange={() => toggle(c.id)}
                      />
                    </TableCell>
                    <TableCell className="font-medium">
                      <span className="flex items-center gap-2">
                        <ContactAvatar name={c.name || c.phone || c.key} url={c.avatar_url} className="size-7" />
                        {c.name ?? "—"}
                      </span>
                    </TableCell>
                    <TableCell className="font-mono text-sm">{c.phone ?? c.key}</TableCell>
                    <TableCell>
                      <TagBadges tags={c.tags} />
                    </TableCell>
                    <TableCell className="text-sm">{SOURCE_LABELS[c.source ?? ""] ?? "—"}</TableCell>
                    <TableCell>
                      {c.opted_out ? <Badge variant="warning">Descadastrado</Badge> : <Badge variant="outline">Ativo</Badge>}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {contacts.hasMore && (
            <div className="p-3 text-center">
              <Button variant="outline" size="sm" onClick={() => void contacts.loadMore()}>
                Carregar mais
              </Button>
            </div>
          )}
        </Card>
      )}

      <ContactDrawer
        contact={open}
        fields={fields}
        onClose={() => setOpen(null)}
        onChanged={(c) => {
          setOpen(c);
          contacts.replace(c);
          void loadTags();
        }}
        onErased={() => {
          setOpen(null);
          void contacts.refetch();
          void loadTags();
        }}
      />
      <NewContactDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(created) => {
          refresh();
          setOpen(created);
        }}
      />
      <ImportWizard open={importing} onOpenChange={setImporting} fields={fields} onFinished={refresh} />
    </Page>
  );
}
