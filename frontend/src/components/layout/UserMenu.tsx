import { ChevronDown, CircleUserRound, Info, LogOut } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Avatar, AvatarFallback } from "@/components/ui/avatar";
import { Badge } from "@/components/ui/badge";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Button } from "@/components/ui/button";
import { initials } from "@/lib/utils";
import { roleLabel } from "@/modules/auth/types";
import { useAuth } from "@/stores/auth";

import { useUserAccess } from "@/hooks/useUserAccess";

import { PresenceToggle } from "./PresenceToggle";

export function UserMenu() {
  const inbox = useUserAccess("flow").allowed; // "Ausente" is the inbox's (auto-assignment)
  const user = useAuth((s) => s.user);
  const logout = useAuth((s) => s.logout);
  const navigate = useNavigate();

  async function signOut() {
    await logout();
    navigate("/login", { replace: true });
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-9 gap-2 px-2" data-testid="user-menu" aria-label="Menu do usuário">
          <Avatar className="size-7">
            <AvatarFallback>{initials(user?.name)}</AvatarFallback>
          </Avatar>
          <span className="hidden max-w-40 truncate text-sm font-medium sm:inline">{user?.name ?? "…"}</span>
          <ChevronDown className="text-muted-foreground size-4" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel className="space-y-1">
          <div className="truncate">{user?.name}</div>
          <div className="text-muted-foreground truncate text-xs font-normal">{user?.email}</div>
          {user ? <Badge variant="secondary">{roleLabel(user.role)}</Badge> : null}
          {user?.away ? <Badge variant="outline" className="ml-1">Ausente</Badge> : null}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        {inbox ? <PresenceToggle /> : null}
        <DropdownMenuItem onSelect={() => navigate("/settings/profile")}>
          <CircleUserRound />
          Meu perfil
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => navigate("/settings/about")}>
          <Info />
          Sobre
        </DropdownMenuItem>
        <DropdownMenuItem variant="destructive" onSelect={() => void signOut()}>
          <LogOut />
          Sair
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
