import { MoreHorizontal } from "lucide-react";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { TableCell, TableHead } from "@/components/ui/table";

/** The header of a table's last column, the one with each row's actions menu. */
export function RowActionsHead() {
  return (
    <TableHead className="w-12 pr-4">
      <span className="sr-only">Ações</span>
    </TableHead>
  );
}

/** A row's last cell: a "…" button ("Ações para <name>") that opens a menu of `children` (DropdownMenuItems). */
export function RowActions({ name, children }: { name: string; children: ReactNode }) {
  return (
    <TableCell className="pr-4 text-right">
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Ações para ${name}`}>
            <MoreHorizontal />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">{children}</DropdownMenuContent>
      </DropdownMenu>
    </TableCell>
  );
}
