import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

import { cn } from "@/lib/utils";

interface EmptyStateProps {
  icon: LucideIcon;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  className?: string;
  /** "error": a failed load (ErrorState) — red accents, announced as an alert. */
  tone?: "muted" | "error";
}

export function EmptyState({ icon: Icon, title, description, children, className, tone = "muted" }: EmptyStateProps) {
  const error = tone === "error";
  return (
    <div
      role={error ? "alert" : undefined}
      data-testid={error ? "error-state" : "empty-state"}
      className={cn(
        "flex flex-col items-center justify-center gap-3 rounded-xl border border-dashed px-6 text-center",
        error ? "border-destructive/40 py-12" : "py-16",
        className,
      )}
    >
      <div
        className={cn(
          "flex size-12 items-center justify-center rounded-full",
          error ? "bg-destructive/10 text-destructive" : "bg-muted text-muted-foreground",
        )}
      >
        <Icon className="size-6" />
      </div>
      <h2 className="text-lg font-semibold">{title}</h2>
      {description ? <p className="text-muted-foreground max-w-md text-sm">{description}</p> : null}
      {children}
    </div>
  );
}
