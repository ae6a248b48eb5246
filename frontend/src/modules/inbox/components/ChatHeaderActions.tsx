import { MoreHorizontal, type LucideIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

export interface ChatAction {
  key: string;
  label: string;
  icon: LucideIcon;
  onSelect: () => void;
}

/**
 * The chat header's actions: buttons on wide screens, one "⋯" menu on narrow ones (a phone), so nothing is
 * clipped or pushed off-screen.
 */
export function ChatHeaderActions({ actions }: { actions: ChatAction[] }) {
  if (actions.length === 0) return null;
  return (
    <>
      <div className="ml-auto hidden flex-wrap items-center justify-end gap-1.5 lg:flex" data-testid="chat-actions">
        {actions.map(({ key, label, icon: Icon, onSelect }) => (
          <Button key={key} size="sm" variant="outline" onClick={onSelect}>
            <Icon /> {label}
          </Button>
        ))}
      </div>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button
            size="icon"
            variant="ghost"
            className="ml-auto shrink-0 lg:hidden"
            aria-label="Ações da conversa"
            data-testid="chat-actions-menu"
          >
            <MoreHorizontal />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-52">
          {actions.map(({ key, label, icon: Icon, onSelect }) => (
            <DropdownMenuItem key={key} onSelect={onSelect}>
              <Icon /> {label}
            </DropdownMenuItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>
    </>
  );
}
