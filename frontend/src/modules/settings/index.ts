export { AboutPage } from "./pages/AboutPage";
export { DepartmentsPage } from "./pages/DepartmentsPage";
export { FieldsPage } from "./pages/FieldsPage";
export { InboxSettingsPage } from "./pages/InboxSettingsPage";
export { NumbersPage } from "./pages/NumbersPage";
export { OptOutPage } from "./pages/OptOutPage";
export { UsersPage } from "./pages/UsersPage";
export { settingsApi } from "./api";
export * from "./types";
