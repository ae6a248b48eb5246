export { AboutPage } from "./pages/AboutPage";
export { DepartmentsPage } from "./pages/DepartmentsPage";
export { NumbersPage } from "./pages/NumbersPage";
export { UsersPage } from "./pages/UsersPage";
export { settingsApi } from "./api";
export * from "./types";
