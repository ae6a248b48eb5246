export { DashboardPage } from "./pages/DashboardPage";
export { NumbersHealthPage } from "./pages/NumbersHealthPage";
