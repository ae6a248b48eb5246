import { Badge } from "@/components/ui/badge";

import { statusLabel } from "../format";
import type { CampaignStatus } from "../types";

const VARIANTS: Record<CampaignStatus, "default" | "secondary" | "destructive" | "outline" | "success" | "warning"> = {
  draft: "outline",
  scheduled: "secondary",
  running: "default",
  paused: "warning",
  completed: "success",
  cancelled: "outline",
  failed: "destructive",
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <Badge variant={VARIANTS[status] ?? "outline"} data-testid="campaign-status" data-status={status}>
      {statusLabel(status)}
    </Badge>
  );
}
