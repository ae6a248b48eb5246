import { Moon } from "lucide-react";
import { toast } from "sonner";

import { DropdownMenuCheckboxItem } from "@/components/ui/dropdown-menu";
import { api } from "@/lib/api";
import { useAuth } from "@/stores/auth";

/** "Ausente" in the user menu: while on, the person shows as away and gets no automatic assignments. */
export function PresenceToggle() {
  const away = useAuth((s) => !!s.user?.away);

  async function toggle(next: boolean) {
    try {
      await api.put("/me/presence", { away: next });
      const user = useAuth.getState().user;
      if (user) useAuth.setState({ user: { ...user, away: next } });
      toast.success(next ? "Você está ausente: não receberá novas conversas automaticamente." : "Você está disponível.");
    } catch {
      // toasted by the API client
    }
  }

  return (
    <DropdownMenuCheckboxItem
      checked={away}
      onCheckedChange={(value) => void toggle(value === true)}
      data-testid="presence-away"
    >
      <Moon />
      Ausente
    </DropdownMenuCheckboxItem>
  );
}
