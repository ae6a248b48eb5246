import { CheckCircle2, FileUp, Loader2, XCircle } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useRealtimeEvent } from "@/hooks/useRealtime";

import { contactsApi } from "../api";
import { liveProgress, reasonText } from "../lib/importText";
import { guessMapping, previewFile, type CsvPreview } from "../lib/csvPreview";
import type { FieldDef, ImportProgressEvent, ImportStatus } from "../types";

type Step = "file" | "mapping" | "progress" | "result";

const TARGETS: { value: string; label: string }[] = [
  { value: "ignore", label: "Ignorar" },
  { value: "phone", label: "Telefone" },
  { value: "name", label: "Nome" },
  { value: "email", label: "E-mail" },
  { value: "tags", label: "Etiquetas" },
  { value: "notes", label: "Notas" },
];

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  fields: FieldDef[];
  onFinished: () => void;
}

export function ImportWizard({ open, onOpenChange, fields, onFinished }: Props) {
  const [step, setStep] = useState<Step>("file");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [importId, setImportId] = useState<string | null>(null);
  const [percent, setPercent] = useState(0);
  const [live, setLive] = useState<ImportProgressEvent | null>(null);
  const [result, setResult] = useState<ImportStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const finished = useRef(false);

  useEffect(() => {
    if (!open) {
      setStep("file");
      setFile(null);
      setPreview(null);
      setMapping({});
      setImportId(null);
      setPercent(0);
      setLive(null);
      setResult(null);
      setError(null);
      finished.current = false;
    }
  }, [open]);

  async function chooseFile(f: File | null) {
    setError(null);
    if (!f) return;
    try {
      const p = await previewFile(f);
      if (!p.header.length) throw new Error("empty");
      setFile(f);
      setPreview(p);
      setMapping(guessMapping(p.header, fields.map((x) => x.name)));
      setStep("mapping");
    } catch {
      setError("Não foi possível ler o arquivo: envie um CSV com cabeçalho.");
    }
  }

  const finish = useCallback(
    async (id: string) => {
      if (finished.current) return;
      const status = await contactsApi.getImport(id);
      if (status.status !== "done" && status.status !== "failed") return;
      finished.current = true;
      setPercent(100);
      setResult(status);
      setStep("result");
      onFinished();
    },
    [onFinished],
  );

  useRealtimeEvent("import_progress", (event) => {
    const e = event as unknown as ImportProgressEvent;
    if (!importId || e.import_id !== importId) return;
    setLive(e);
    setPercent((p) => Math.max(p, e.percent));
    if (e.status === "done" || e.status === "failed") void finish(importId);
  });

  // polling fallback: the WebSocket may be down; the import item holds the truth
  useEffect(() => {
    if (!importId || step !== "progress") return undefined;
    const timer = window.setInterval(async () => {
      try {
        const status = await contactsApi.getImport(importId);
        if (status.size > 0 && status.status === "processing") {
          setPercent((p) => Math.max(p, Math.min(99, Math.floor((status.bytes_read * 100) / status.size))));
        }
        if (status.status === "done" || status.status === "failed") await finish(importId);
      } catch {
        // toasted by the API client; keep polling
      }
    }, 1500);
    return () => window.clearInterval(timer);
  }, [importId, step, finish]);

  async function start() {
    if (!file) return;
    if (!Object.values(mapping).includes("phone")) {
      setError("Escolha a coluna do telefone.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await contactsApi.createImport({ file_name: file.name, size: file.size, mapping });
      setImportId(created.import_id);
      setStep("progress");
      // an untyped Blob: no Content-Type header, exactly what the URL was signed for
      const put = await fetch(created.upload_url, {
        method: "PUT",
        body: new Blob([file]),
        headers: created.content_type ? { "Content-Type": created.content_type } : {},
      }).catch(() => null);
      if (!put || !put.ok) {
        setImportId(null);
        setStep("mapping");
        setError("Falha ao enviar o arquivo; tente novamente.");
      }
    } catch {
      // the API client toasted the reason (plan, mapping...): stay on the mapping step
      setImportId(null);
      setStep("mapping");
    } finally {
      setBusy(false);
    }
  }

  const targets = [...TARGETS, ...fields.map((f) => ({ value: `field:${f.name}`, label: `Campo: ${f.label}` }))];

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-3xl" data-testid="import-wizard">
        <DialogHeader>
          <DialogTitle>Importar contatos</DialogTitle>
          <DialogDescription>
            CSV com cabeçalho, separado por vírgula ou ponto e vírgula (UTF-8 ou Latin-1).
          </DialogDescription>
        </DialogHeader>

        {step === "file" && (
          <label className="flex cursor-pointer flex-col items-center gap-2 rounded-lg border border-dashed p-8 text-center">
            <FileUp className="text-muted-foreground size-8" />
            <span className="text-sm">Escolha o arquivo CSV</span>
            <input
              type="file"
              accept=".csv,text/csv"
              aria-label="Arquivo CSV"
              className="sr-only"
              onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)}
            />
          </label>
        )}

        {step === "mapping" && preview && (
          <div className="space-y-3">
            <p className="text-muted-foreground text-sm">
              {file?.name} · separador “{preview.delimiter === "\t" ? "tab" : preview.delimiter}” · {preview.encoding}.
              Escolha o destino de cada coluna:
            </p>
            <div className="max-h-80 overflow-auto rounded-md border">
              <Table data-testid="import-preview">
                <TableHeader>
                  <TableRow>
                    {preview.header.map((column) => (
                      <TableHead key={column} className="min-w-36 align-top">
                        <div className="py-1 font-medium">{column}</div>
                        <select
                          aria-label={`Destino da coluna ${column}`}
                          className="border-input bg-background mb-1 h-8 w-full rounded-md border px-2 text-sm"
                          value={mapping[column] ?? "ignore"}
                          onChange={(e) => setMapping({ ...mapping, [column]: e.target.value })}
                        >
                          {targets.map((t) => (
                            <option key={t.value} value={t.value}>
                              {t.label}
                            </option>
                          ))}
                        </select>
                      </TableHead>
                    ))}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {preview.rows.map((row, i) => (
                    <TableRow key={i}>
                      {preview.header.map((_, j) => (
                        <TableCell key={j} className="max-w-48 truncate">
                          {row[j] ?? ""}
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </div>
        )}

        {step === "progress" && (
          <div className="space-y-3 py-2">
            <div
              role="progressbar"
              aria-label="Progresso da importação"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="bg-muted h-3 w-full overflow-hidden rounded-full"
            >
              <div className="bg-primary h-full transition-all" style={{ width: `${percent}%` }} />
            </div>
            <p className="text-muted-foreground flex items-center gap-2 text-sm">
              <Loader2 className="size-4 animate-spin" />
              {percent}% · {live ? liveProgress(live.processed, live.imported, live.failed) : "Enviando…"}
            </p>
          </div>
        )}

        {step === "result" && result && (
          <div className="space-y-3" data-testid="import-result">
            <div
              role="progressbar"
              aria-label="Progresso da importação"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={100}
              className="bg-primary h-3 w-full rounded-full"
            />
            <p className="flex items-center gap-2 font-medium">
              {result.status === "done" ? (
                <CheckCircle2 className="size-5 text-emerald-600" />
              ) : (
                <XCircle className="text-destructive size-5" />
              )}
              {result.status === "done" ? "Importação concluída" : "Importação falhou"}
            </p>
            <ul className="grid grid-cols-2 gap-1 text-sm sm:grid-cols-4">
              <li>Novos: <strong data-testid="count-imported">{result.counts.imported}</strong></li>
              <li>Atualizados: <strong>{result.counts.updated}</strong></li>
              <li>Sem alteração: <strong>{result.counts.unchanged}</strong></li>
              <li>Com erro: <strong data-testid="count-failed">{result.counts.failed}</strong></li>
            </ul>
            {Object.keys(result.reasons).length > 0 && (
              <p className="text-muted-foreground text-sm">
                {Object.entries(result.reasons)
                  .map(([k, v]) => reasonText(k, v))
                  .join(" · ")}
              </p>
            )}
            {result.message && <p className="text-sm">{result.message}</p>}
            {result.error_report_url && (
              <a className="text-primary text-sm underline" href={result.error_report_url} target="_blank" rel="noreferrer">
                Baixar relatório de erros
              </a>
            )}
          </div>
        )}

        {error && <p className="text-destructive text-sm">{error}</p>}

        <DialogFooter>
          {step === "mapping" && (
            <>
              <Button variant="outline" onClick={() => setStep("file")}>
                Voltar
              </Button>
              <Button onClick={() => void start()} disabled={busy}>
                {busy && <Loader2 className="animate-spin" />}
                Importar
              </Button>
            </>
          )}
          {step === "result" && <Button onClick={() => onOpenChange(false)}>Fechar</Button>}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
