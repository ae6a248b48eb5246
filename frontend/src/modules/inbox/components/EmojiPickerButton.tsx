import { Loader2, Smile } from "lucide-react";
import { lazy, Suspense, useEffect, useRef, useState } from "react";

import { Button } from "@/components/ui/button";

const EmojiPickerPanel = lazy(() => import("./EmojiPickerPanel"));

/** The composer's emoji button: opens the (lazy-loaded) picker above it; Esc or a click outside closes it. */
export function EmojiPickerButton({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={box} className="relative">
      <Button
        type="button"
        variant={open ? "secondary" : "ghost"}
        size="icon"
        aria-label="Emoji"
        aria-expanded={open}
        title="Emoji"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        <Smile />
      </Button>
      {open ? (
        <div className="absolute bottom-full left-0 z-50 mb-2 shadow-lg" data-testid="emoji-picker">
          <Suspense
            fallback={
              <div className="bg-popover flex h-24 w-40 items-center justify-center rounded-md border">
                <Loader2 className="text-muted-foreground size-5 animate-spin" />
              </div>
            }
          >
            <EmojiPickerPanel onPick={onPick} />
          </Suspense>
        </div>
      ) : null}
    </div>
  );
}
