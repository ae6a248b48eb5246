import { Loader2, Sparkles } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";

import { FormField } from "@/components/FormField";
import { Page, PageHeader } from "@/components/PageHeader";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Switch } from "@/components/ui/switch";

import { senseApi, type SenseAdapter, type SenseSettings, type SenseTestResult } from "../senseApi";

const LABELS = { pos: "Positivo", neu: "Neutro", neg: "Negativo" } as const;

/** Sense: sentiment of the customers' messages — on/off, which analyzer, and a test sentence. */
export function SensePage() {
  const [saved, setSaved] = useState<SenseSettings | null>(null);
  const [enabled, setEnabled] = useState(false);
  const [adapter, setAdapter] = useState<SenseAdapter>("builtin");
  const [url, setUrl] = useState("");
  const [model, setModel] = useState("");
  const [secret, setSecret] = useState("");
  const [sample, setSample] = useState("");
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<SenseTestResult | null>(null);

  function show(s: SenseSettings) {
    setSaved(s);
    setEnabled(s.enabled);
    setAdapter(s.adapter);
    setUrl(s.url ?? "");
    setModel(s.model ?? "");
    setSecret("");
  }

  useEffect(() => {
    senseApi.get().then(show, () => undefined);
  }, []);

  const body = () => ({ enabled, adapter, url: adapter === "http" ? url.trim() || null : null,
    model: adapter === "http" ? model.trim() || null : null, secret: secret || null });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaving(true);
    try {
      show(await senseApi.save(body()));
      toast.success("Configurações do Sense salvas");
    } catch {
      // toasted by the API client
    } finally {
      setSaving(false);
    }
  }

  async function onTest() {
    setTesting(true);
    setResult(null);
    try {
      setResult(await senseApi.test({ ...body(), text: sample.trim() || undefined }));
    } catch {
      // toasted by the API client
    } finally {
      setTesting(false);
    }
  }

  return (
    <Page>
      <PageHeader title="Sense" description="Análise de sentimento das mensagens dos clientes, com alerta quando uma conversa fica negativa." />
      {!saved ? (
        <Skeleton className="h-72 w-full" />
      ) : (
        <form onSubmit={onSubmit} className="grid gap-6" data-testid="sense-settings">
          <Card>
            <CardHeader>
              <CardTitle>Análise de sentimento</CardTitle>
              <CardDescription>
                Cada mensagem de texto recebida ganha um humor (positivo, neutro ou negativo); a conversa mostra o humor
                do cliente e os gerentes do departamento são avisados quando ela fica negativa.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              <label className="flex items-center gap-3 text-sm">
                <Switch checked={enabled} onCheckedChange={setEnabled} aria-label="Analisar o sentimento das mensagens" />
                Analisar o sentimento das mensagens
              </label>
              <FormField id="sense-adapter" label="Analisador">
                <select id="sense-adapter" value={adapter} onChange={(e) => setAdapter(e.target.value as SenseAdapter)}
                  className="border-input h-9 rounded-md border bg-transparent px-3 text-sm">
                  <option value="builtin">Embutido (léxico em português, sem custo)</option>
                  <option value="http">Endpoint próprio (n8n, Ollama ou compatível com OpenAI)</option>
                </select>
              </FormField>
              {adapter === "http" ? (
                <>
                  <FormField id="sense-url" label="URL do endpoint">
                    <Input id="sense-url" value={url} onChange={(e) => setUrl(e.target.value)}
                      placeholder="https://n8n.suaempresa.com/webhook/sentimento" />
                  </FormField>
                  <FormField id="sense-model" label="Modelo (Ollama/OpenAI)">
                    <Input id="sense-model" value={model} onChange={(e) => setModel(e.target.value)} placeholder="llama3.1" />
                  </FormField>
                  <FormField id="sense-secret" label={saved.has_secret ? "Segredo (guardado — preencha para trocar)" : "Segredo (Bearer)"}>
                    <Input id="sense-secret" type="password" autoComplete="off" value={secret}
                      onChange={(e) => setSecret(e.target.value)} placeholder={saved.has_secret ? "••••••••" : ""} />
                  </FormField>
                </>
              ) : null}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Testar</CardTitle>
              <CardDescription>Analisa uma frase com as configurações acima (sem salvar).</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-3">
              <Input aria-label="Frase de teste" value={sample} onChange={(e) => setSample(e.target.value)}
                placeholder="Adorei o atendimento, muito obrigada! 😍" />
              <div className="flex items-center gap-3">
                <Button type="button" variant="outline" onClick={onTest} disabled={testing}>
                  {testing ? <Loader2 className="size-4 animate-spin" /> : <Sparkles className="size-4" />} Testar
                </Button>
                {result ? (
                  <span data-testid="sense-test-result" data-label={result.label ?? ""} className="text-sm">
                    {result.ok && result.label
                      ? `${LABELS[result.label]} (${result.score?.toLocaleString("pt-BR")}) em ${result.ms} ms`
                      : result.error}
                  </span>
                ) : null}
              </div>
            </CardContent>
          </Card>
          <div className="flex justify-end">
            <Button type="submit" disabled={saving}>
              {saving ? <Loader2 className="size-4 animate-spin" /> : null} Salvar
            </Button>
          </div>
        </form>
      )}
    </Page>
  );
}
