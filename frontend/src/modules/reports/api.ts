/** Reports (home dashboard, numbers' health): GET /api/reports/*. */
import { api } from "@/lib/api";

export interface Summary {
  opened: number;
  closed: number;
  messages_in: number;
  messages_out: number;
  first_response_median_s: number | null;
  resolution_median_s: number | null;
  first_responses: number;
  resolutions: number;
  mood: { pos: number; neu: number; neg: number };
}

export interface ScopeRow {
  id: string;
  name: string;
  today: Summary;
  week: Summary;
  waiting: number;
}

export interface CampaignRates {
  delivered: number | null;
  read: number | null;
  replied: number | null;
  failed: number | null;
  opted_out: number | null;
}

export interface RunningCampaign {
  id: string;
  name: string;
  status: string;
  counters: Record<string, number>;
  rates: CampaignRates;
}

export interface Dashboard {
  today: Summary;
  week: Summary;
  waiting_now: number;
  per_day: { day: string; messages_in: number; messages_out: number }[];
  departments: ScopeRow[];
  attendants: ScopeRow[];
  campaigns: RunningCampaign[];
  days: string[];
}

export interface NumberSummary {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  received: number;
  delivery_rate: number | null;
  read_rate: number | null;
  reply_rate: number | null;
  failure_rate: number | null;
}

export interface NumberHealth {
  id: string;
  name: string;
  phone: string | null;
  state: string;
  today: NumberSummary;
  daily_cap: number;
  last_24h: NumberSummary;
  last_7d: NumberSummary;
  per_day: ({ day: string } & NumberSummary)[];
  alerts: { kind: string; message: string }[];
  connections?: { at: string; state: string; dropped: boolean; reason: number | null }[];
}

export const reportsApi = {
  async dashboard() {
    return (await api.get<Dashboard>("/reports/dashboard")).data;
  },
  async numbers() {
    return (await api.get<{ items: NumberHealth[] }>("/reports/numbers")).data.items;
  },
  async number(id: string) {
    return (await api.get<NumberHealth>(`/reports/numbers/${id}`)).data;
  },
};

export interface BreakdownRow {
  counters: Record<string, number>;
  rates: CampaignRates;
}

export interface CampaignAnalytics {
  id: string;
  counters: Record<string, number>;
  rates: CampaignRates;
  variants: (BreakdownRow & { variant: number; label: string; text: string; winner: boolean })[];
  numbers: (BreakdownRow & { id: string; name: string })[];
}

export async function campaignAnalytics(id: string): Promise<CampaignAnalytics> {
  return (await api.get<CampaignAnalytics>(`/reports/campaigns/${id}`)).data;
}
