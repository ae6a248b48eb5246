import { Loader2, Plus, RotateCcw, X } from "lucide-react";
import { useEffect, useState, type FormEvent, type KeyboardEvent } from "react";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";

import { settingsApi } from "../api";
import { useOptOutSettings } from "../hooks/useSettingsData";
import { MAX_CONFIRMATION_LENGTH, addKeywords, keywordsError, sameKeywords } from "../optOut";
import type { OptOutConfig } from "../types";

export function OptOutPage() {
  const settings = useOptOutSettings();
  const [saved, setSaved] = useState<OptOutConfig | null>(null);
  const [keywords, setKeywords] = useState<string[]>([]);
  const [draft, setDraft] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!settings.data) return;
    const { keywords: k, confirmation: c } = settings.data;
    setSaved({ keywords: k, confirmation: c });
    setKeywords(k);
    setConfirmation(c);
  }, [settings.data]);

  // A word still in the input counts: "Salvar" keeps it rather than dropping it.
  const pending = addKeywords(keywords, draft);
  const keywordProblem = keywordsError(pending);
  const confirmationProblem = confirmation.trim() ? null : "Escreva a mensagem de confirmação.";
  const dirty =
    saved !== null && (!sameKeywords(pending, saved.keywords) || confirmation.trim() !== saved.confirmation);

  function addDraft() {
    setKeywords(pending);
    setDraft("");
  }

  function onDraftKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      addDraft();
    }
  }

  function restoreDefaults() {
    if (!settings.data) return;
    setKeywords(settings.data.defaults.keywords);
    setConfirmation(settings.data.defaults.confirmation);
    setDraft("");
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (keywordProblem || confirmationProblem) return;
    setSaving(true);
    try {
      const answer = await settingsApi.saveOptOutSettings({ keywords: pending, confirmation: confirmation.trim() });
      setSaved({ keywords: answer.keywords, confirmation: answer.confirmation });
      setKeywords(answer.keywords);
      setConfirmation(answer.confirmation);
      setDraft("");
      toast.success("Configuração de descadastro salva");
    } catch {
      // 422 and others are toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  return (
    <Page>
      <PageHeader
        title="Descadastro"
        description={
          "Quando um contato envia uma mensagem igual a uma destas palavras, ele sai de todas as campanhas " +
          "e recebe a mensagem de confirmação."
        }
      />
      {settings.loading ? (
        <Skeleton className="h-72 w-full" />
      ) : !settings.data ? (
        <p className="text-muted-foreground text-sm">Não foi possível carregar a configuração.</p>
      ) : (
        <form onSubmit={onSubmit} className="grid gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Palavras de descadastro</CardTitle>
              <CardDescription>
                A mensagem inteira precisa ser a palavra; maiúsculas, acentos e pontuação não importam.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              {keywords.length > 0 ? (
                <ul className="flex flex-wrap gap-2" aria-label="Palavras de descadastro" data-testid="optout-keywords">
                  {keywords.map((word) => (
                    <li key={word}>
                      <Badge
                        variant="secondary"
                        className="gap-1 py-1 pr-1 pl-2.5 text-sm"
                        data-testid="optout-keyword"
                      >
                        {word}
                        <button
                          type="button"
                          aria-label={`Remover ${word}`}
                          className="hover:bg-muted-foreground/20 rounded-sm p-0.5"
                          onClick={() => setKeywords(keywords.filter((k) => k !== word))}
                        >
                          <X className="size-3.5" />
                        </button>
                      </Badge>
                    </li>
                  ))}
                </ul>
              ) : null}
              <div className="flex items-end gap-2">
                <FormField id="optout-keyword" label="Adicionar palavra" className="flex-1">
                  <Input
                    autoComplete="off"
                    aria-invalid={keywordProblem ? true : undefined}
                    aria-describedby={keywordProblem ? "optout-keywords-error" : undefined}
                    placeholder="Ex.: CHEGA (separe várias por vírgula)"
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    onKeyDown={onDraftKey}
                  />
                </FormField>
                <Button type="button" variant="outline" onClick={addDraft} disabled={!draft.trim()}>
                  <Plus />
                  Adicionar
                </Button>
              </div>
              {keywordProblem ? (
                <p id="optout-keywords-error" className="text-destructive text-sm">
                  {keywordProblem}
                </p>
              ) : null}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Confirmação</CardTitle>
              <CardDescription>A resposta enviada ao contato logo depois do descadastro.</CardDescription>
            </CardHeader>
            <CardContent>
              <FormField id="optout-confirmation" label="Mensagem de confirmação" error={confirmationProblem}>
                <Textarea
                  rows={3}
                  maxLength={MAX_CONFIRMATION_LENGTH}
                  value={confirmation}
                  onChange={(e) => setConfirmation(e.target.value)}
                />
              </FormField>
            </CardContent>
          </Card>

          <div className="flex flex-wrap items-center justify-end gap-2">
            {dirty ? <span className="text-muted-foreground mr-auto text-sm">Alterações não salvas</span> : null}
            <Button type="button" variant="outline" onClick={restoreDefaults}>
              <RotateCcw />
              Restaurar padrão
            </Button>
            <Button type="submit" disabled={saving || !dirty || !!keywordProblem || !!confirmationProblem}>
              {saving ? <Loader2 className="animate-spin" /> : null}
              Salvar
            </Button>
          </div>
        </form>
      )}
    </Page>
  );
}
