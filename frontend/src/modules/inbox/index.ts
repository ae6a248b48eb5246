export { InboxPage } from "./pages/InboxPage";
export * from "./types";
