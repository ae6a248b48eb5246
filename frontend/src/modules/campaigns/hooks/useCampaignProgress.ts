/** Keep campaigns fresh from `campaign_progress` realtime events. */
import { useRealtimeEvent } from "@/hooks/useRealtime";
import type { RealtimeEvent } from "@/lib/ws";

import type { CampaignProgressEvent } from "../types";

function isProgress(event: RealtimeEvent): event is RealtimeEvent & CampaignProgressEvent {
  return event.type === "campaign_progress" && typeof event.campaign_id === "string";
}

export function useCampaignProgress(handler: (event: CampaignProgressEvent) => void): void {
  useRealtimeEvent("campaign_progress", (event) => {
    if (isProgress(event)) handler(event);
  });
}
