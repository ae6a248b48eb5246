/** Types of the campaigns module — filled in by the campaigns module. */
export type CampaignStatus = "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
