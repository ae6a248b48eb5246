export { ContactsPage } from "./pages/ContactsPage";
export { contactsApi } from "./api";
export * from "./types";
