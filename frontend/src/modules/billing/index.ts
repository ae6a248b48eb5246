export { BillingPage, CheckoutButton, PortalButton } from "./pages/BillingPage";
export { PastDueBanner } from "./components/PastDueBanner";
export { billingApi } from "./api";
export * from "./types";
export { ReadOnlyHint, useReadOnly } from "./components/ReadOnly";
