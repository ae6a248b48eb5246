import { AlertTriangle, Loader2, RotateCcw } from "lucide-react";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

interface ErrorStateProps {
  /** What could not be loaded, e.g. "as campanhas" → "Não foi possível carregar as campanhas". */
  what: string;
  /** Called by "Tentar novamente"; the button spins while its promise is pending. */
  onRetry: () => unknown;
  className?: string;
}

/** A list's failed load: the reason in plain words and a "Tentar novamente" button (never an empty state). */
export function ErrorState({ what, onRetry, className }: ErrorStateProps) {
  const [retrying, setRetrying] = useState(false);
  const retry = async () => {
    setRetrying(true);
    try {
      await onRetry();
    } finally {
      setRetrying(false);
    }
  };
  return (
    <div
      role="alert"
      data-testid="error-state"
      className={cn(
        "border-destructive/40 flex flex-col items-center justify-center gap-3 rounded-xl border border-dashed px-6 py-12 text-center",
        className,
      )}
    >
      <div className="bg-destructive/10 text-destructive flex size-12 items-center justify-center rounded-full">
        <AlertTriangle className="size-6" />
      </div>
      <h2 className="text-lg font-semibold">Não foi possível carregar {what}</h2>
      <p className="text-muted-foreground max-w-md text-sm">Verifique sua conexão e tente de novo em instantes.</p>
      <Button variant="outline" onClick={() => void retry()} disabled={retrying} data-testid="error-retry">
        {retrying ? <Loader2 className="animate-spin" /> : <RotateCcw />}
        Tentar novamente
      </Button>
    </div>
  );
}
