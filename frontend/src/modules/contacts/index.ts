export { ContactsPage } from "./pages/ContactsPage";
export * from "./types";
