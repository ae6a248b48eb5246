import type { ComponentProps } from "react";

import { Badge } from "@/components/ui/badge";

import { recipientStatusLabel } from "../format";
import type { RecipientStatus } from "../types";

type Variant = "default" | "secondary" | "destructive" | "outline" | "success" | "warning";

const VARIANTS: Record<RecipientStatus, Variant> = {
  pending: "secondary",
  queued: "secondary",
  sending: "secondary",
  unknown: "warning",
  sent: "secondary",
  delivered: "success",
  read: "success",
  replied: "success",
  failed: "destructive",
  skipped: "outline",
  opted_out: "outline",
};

/** A recipient's status in a campaign, in Portuguese (campaign page and the contact's drawer). */
type Props = { status: string } & Omit<ComponentProps<typeof Badge>, "children" | "variant">;

export function RecipientStatusBadge({ status, ...props }: Props) {
  return (
    <Badge variant={VARIANTS[status as RecipientStatus] ?? "secondary"} data-status={status} {...props}>
      {recipientStatusLabel(status)}
    </Badge>
  );
}
