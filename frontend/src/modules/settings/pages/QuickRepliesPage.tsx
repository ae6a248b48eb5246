import { MessageSquareQuote, Pencil, Plus, Trash2 } from "lucide-react";
import { useState } from "react";

import { ConfirmDialog } from "@/components/ConfirmDialog";
import { EmptyState } from "@/components/EmptyState";
import { ErrorState } from "@/components/ErrorState";
import { FormDialog } from "@/components/FormDialog";
import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { RowActions, RowActionsHead } from "@/components/RowActions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DropdownMenuItem } from "@/components/ui/dropdown-menu";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { useApiQuery } from "@/hooks/useApiQuery";

import { settingsApi, type QuickReply } from "../api";
import { normalizeShortcut, SHORTCUT } from "../quickReplies";

function ReplyDialog({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing: QuickReply | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [shortcut, setShortcut] = useState("");
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    setLastOpen(open);
    if (open) {
      setShortcut(editing?.shortcut ?? "");
      setText(editing?.text ?? "");
      setTouched(false);
    }
  }
  const key = normalizeShortcut(shortcut);
  const shortcutError =
    touched && !SHORTCUT.test(key) ? "Use de 1 a 40 letras, números, hífen, ponto ou sublinhado, sem espaços." : undefined;

  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => !next && onClose()}
      title={editing ? "Editar resposta rápida" : "Nova resposta rápida"}
      description="No chat, digite / e o atalho para inserir o texto."
      formId="quick-reply"
      formClassName="grid gap-4"
      submitLabel="Salvar"
      canSubmit={SHORTCUT.test(key) && !!text.trim()}
      onSubmit={() =>
        editing
          ? settingsApi.updateQuickReply(editing.id, key, text.trim())
          : settingsApi.createQuickReply(key, text.trim())
      }
      successMessage={editing ? "Resposta rápida salva" : "Resposta rápida criada"}
      onDone={onSaved}
    >
      <FormField id="quick-reply-shortcut" label="Atalho" hint={`No chat: /${key || "atalho"}`} error={shortcutError}>
        <Input
          maxLength={41}
          placeholder="Ex.: boas-vindas"
          value={shortcut}
          onBlur={() => setTouched(true)}
          onChange={(e) => setShortcut(e.target.value)}
        />
      </FormField>
      <FormField id="quick-reply-text" label="Mensagem">
        <Textarea
          rows={5}
          maxLength={4096}
          placeholder="Olá! Obrigado pelo contato…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </FormField>
    </FormDialog>
  );
}

export function QuickRepliesPage() {
  const replies = useApiQuery((signal) => settingsApi.listQuickReplies(signal), []);
  const [dialog, setDialog] = useState<{ open: boolean; editing: QuickReply | null }>({ open: false, editing: null });
  const [deleting, setDeleting] = useState<QuickReply | null>(null);
  const list = replies.data ?? [];

  return (
    <Page>
      <PageHeader
        title="Respostas rápidas"
        description="Textos prontos que a equipe insere no chat digitando / e o atalho."
        actions={
          <Button onClick={() => setDialog({ open: true, editing: null })}>
            <Plus />
            Nova resposta
          </Button>
        }
      />
      {replies.loading ? (
        <Skeleton className="h-32 w-full" />
      ) : replies.failed ? (
        <ErrorState what="as respostas rápidas" onRetry={replies.refetch} />
      ) : list.length === 0 ? (
        <EmptyState
          icon={MessageSquareQuote}
          title="Nenhuma resposta rápida"
          description="Crie a primeira para responder mais rápido às perguntas frequentes."
        />
      ) : (
        <Card className="py-0">
          <Table data-testid="quick-replies-table">
            <TableHeader>
              <TableRow>
                <TableHead className="pl-4">Atalho</TableHead>
                <TableHead>Mensagem</TableHead>
                <RowActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((reply) => (
                <TableRow key={reply.id} data-testid="quick-reply-row">
                  <TableCell className="pl-4 font-mono text-sm">/{reply.shortcut}</TableCell>
                  <TableCell className="max-w-md truncate whitespace-normal">
                    <span className="line-clamp-2">{reply.text}</span>
                  </TableCell>
                  <RowActions name={`/${reply.shortcut}`}>
                    <DropdownMenuItem onSelect={() => setDialog({ open: true, editing: reply })}>
                      <Pencil />
                      Editar
                    </DropdownMenuItem>
                    <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(reply)}>
                      <Trash2 />
                      Excluir
                    </DropdownMenuItem>
                  </RowActions>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      <ReplyDialog
        open={dialog.open}
        editing={dialog.editing}
        onClose={() => setDialog({ open: false, editing: null })}
        onSaved={() => void replies.refetch()}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Excluir /${deleting?.shortcut ?? ""}?`}
        description="A equipe deixa de encontrar este atalho no chat."
        confirmLabel="Excluir"
        icon={<Trash2 />}
        onConfirm={async () => {
          if (deleting) await settingsApi.deleteQuickReply(deleting.id);
        }}
        successMessage="Resposta rápida excluída"
        onDone={() => void replies.refetch()}
      />
    </Page>
  );
}
