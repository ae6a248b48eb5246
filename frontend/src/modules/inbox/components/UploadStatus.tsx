import { AlertCircle, Loader2, X } from "lucide-react";

import type { UploadState } from "../hooks/useMediaUpload";

/** The composer's attachment line: upload progress, then "sending", or a clear error. */
export function UploadStatus({ state, onDismiss }: { state: UploadState; onDismiss: () => void }) {
  if (state.phase === "idle" || (state.phase === "error" && !state.error)) return null;
  if (state.phase === "error") {
    return (
      <div role="alert" data-testid="upload-error" className="mb-2 flex items-center gap-2 rounded-md border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-700">
        <AlertCircle className="size-4 shrink-0" />
        <span className="flex-1">
          {state.error} {state.fileName ? <span className="font-medium">({state.fileName})</span> : null}
        </span>
        <button type="button" aria-label="Fechar aviso" onClick={onDismiss} className="rounded p-0.5 hover:bg-red-100">
          <X className="size-3.5" />
        </button>
      </div>
    );
  }
  const percent = Math.round(state.progress * 100);
  return (
    <div data-testid="upload-status" data-phase={state.phase} className="text-muted-foreground mb-2 flex items-center gap-2 text-xs">
      <Loader2 className="size-3.5 shrink-0 animate-spin" />
      <span className="truncate">
        {state.phase === "sending" ? "Enviando mensagem…" : `Enviando ${state.fileName ?? "arquivo"}… ${percent}%`}
      </span>
      <div className="bg-muted h-1.5 w-32 shrink-0 overflow-hidden rounded-full" aria-hidden>
        <div className="h-full bg-emerald-500 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
