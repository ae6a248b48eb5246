export { CampaignsPage } from "./pages/CampaignsPage";
export * from "./types";
