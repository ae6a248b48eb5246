import { cn } from "@/lib/utils";

export const EVOLUTION_API_URL = "https://github.com/EvolutionAPI/evolution-api";

/**
 * Evolution API is Apache-2.0 and asks products built on it to credit it visibly.
 * `full` is the About-page sentence; `compact` is the sidebar footer line.
 */
export function EvolutionCredit({ variant = "full", className }: { variant?: "full" | "compact"; className?: string }) {
  if (variant === "compact") {
    return (
      <a
        href={EVOLUTION_API_URL}
        target="_blank"
        rel="noreferrer"
        data-testid="evolution-credit-compact"
        className={cn("text-muted-foreground hover:text-foreground text-xs transition-colors", className)}
      >
        Powered by Evolution API
      </a>
    );
  }
  return (
    <p data-testid="evolution-credit" className={cn("text-sm leading-relaxed", className)}>
      Integração com WhatsApp via Evolution API (
      <a href={EVOLUTION_API_URL} target="_blank" rel="noreferrer" className="text-primary underline underline-offset-4">
        {EVOLUTION_API_URL}
      </a>
      ), software de código aberto sob licença Apache 2.0
    </p>
  );
}
