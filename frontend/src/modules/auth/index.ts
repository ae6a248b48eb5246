export { LoginPage } from "./pages/LoginPage";
export * from "./types";
