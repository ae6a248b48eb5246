export { BillingPage } from "./BillingPage";
export { billingApi } from "./catalogue";
