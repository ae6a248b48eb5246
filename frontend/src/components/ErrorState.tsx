import { AlertTriangle, Loader2, RotateCcw } from "lucide-react";
import { useState } from "react";

import { EmptyState } from "@/components/EmptyState";
import { Button } from "@/components/ui/button";

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
    <EmptyState
      tone="error"
      icon={AlertTriangle}
      title={`Não foi possível carregar ${what}`}
      description="Verifique sua conexão e tente de novo em instantes."
      className={className}
    >
      <Button variant="outline" onClick={() => void retry()} disabled={retrying} data-testid="error-retry">
        {retrying ? <Loader2 className="animate-spin" /> : <RotateCcw />}
        Tentar novamente
      </Button>
    </EmptyState>
  );
}
