import { Lock, RotateCcw } from "lucide-react";

import { Button } from "@/components/ui/button";

/** Where the composer would be, in a closed chat: why nothing can be typed, and "Reabrir" right there. */
export function ClosedChatNotice({ onReopen }: { onReopen: () => void }) {
  return (
    <div
      role="status"
      data-testid="closed-chat-notice"
      className="bg-muted/60 flex flex-wrap items-center justify-center gap-x-3 gap-y-2 border-t px-4 py-2 text-sm"
    >
      <span className="text-muted-foreground flex items-center gap-1.5">
        <Lock className="size-4" /> Conversa encerrada — reabra para responder.
      </span>
      <Button size="sm" onClick={onReopen}>
        <RotateCcw /> Reabrir
      </Button>
    </div>
  );
}
