import { createBrowserRouter, Navigate, RouterProvider } from "react-router-dom";

import { AppShell } from "@/components/layout/AppShell";
import { RequireAdmin, RequireAuth, RequireStaff } from "@/components/RequireAuth";
import { Toaster } from "@/components/ui/sonner";
import {
  AcceptInvitePage,
  ForgotPasswordPage,
  LoginPage,
  ResetPasswordPage,
  SignupPage,
  VerifyEmailPage,
} from "@/modules/auth";
import {
  AboutPage,
  ApiKeysPage,
  CompanyPage,
  DepartmentsPage,
  FieldsPage,
  InboxSettingsPage,
  NumbersPage,
  OptOutPage,
  PrivacyPage,
  ProfilePage,
  QuickRepliesPage,
  SensePage,
  UsersPage,
  WebhooksPage,
} from "@/modules/settings";
import { BillingPage } from "@/modules/billing";
import { useAuth } from "@/stores/auth";

/** Admins and managers land on the dashboard; attendants keep landing in the inbox. */
function Home() {
  const role = useAuth((s) => s.user?.role);
  return <Navigate to={role === "admin" || role === "manager" ? "/dashboard" : "/inbox"} replace />;
}

function SettingsIndex() {
  const isAdmin = useAuth((s) => s.user?.role === "admin");
  return <Navigate to={isAdmin ? "/settings/users" : "/settings/about"} replace />;
}

// Product modules load on first visit: they grow independently and most users live in one of them.
export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  // the pages of e-mailed links (paths in alrea.domain.account_links.KINDS) and the sign-up: no session needed
  { path: "/cadastro", element: <SignupPage /> },
  { path: "/esqueci-senha", element: <ForgotPasswordPage /> },
  { path: "/redefinir-senha", element: <ResetPasswordPage /> },
  { path: "/aceitar-convite", element: <AcceptInvitePage /> },
  { path: "/verificar-email", element: <VerifyEmailPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Home /> },
          {
            element: <RequireStaff />,
            children: [
              {
                path: "dashboard",
                lazy: async () => ({ Component: (await import("@/modules/reports")).DashboardPage }),
              },
              {
                path: "reports/numbers/:numberId?",
                lazy: async () => ({ Component: (await import("@/modules/reports")).NumbersHealthPage }),
              },
            ],
          },
          {
            path: "inbox/:conversationId?",
            lazy: async () => ({ Component: (await import("@/modules/inbox")).InboxPage }),
          },
          {
            path: "contacts",
            lazy: async () => ({ Component: (await import("@/modules/contacts")).ContactsPage }),
          },
          {
            path: "campaigns/*",
            lazy: async () => ({ Component: (await import("@/modules/campaigns")).CampaignsPage }),
          },
          {
            path: "settings",
            children: [
              { index: true, element: <SettingsIndex /> },
              {
                element: <RequireAdmin />,
                children: [
                  { path: "users", element: <UsersPage /> },
                  { path: "company", element: <CompanyPage /> },
                  { path: "departments", element: <DepartmentsPage /> },
                  { path: "numbers", element: <NumbersPage /> },
                  { path: "fields", element: <FieldsPage /> },
                  { path: "opt-out", element: <OptOutPage /> },
                  { path: "inbox", element: <InboxSettingsPage /> },
                  { path: "privacy", element: <PrivacyPage /> },
                  { path: "api", element: <ApiKeysPage /> },
                  { path: "webhooks", element: <WebhooksPage /> },
                  { path: "sense", element: <SensePage /> },
                  { path: "billing", element: <BillingPage /> },
                ],
              },
              {
                element: <RequireStaff />,
                children: [{ path: "quick-replies", element: <QuickRepliesPage /> }],
              },
              { path: "profile", element: <ProfilePage /> },
              { path: "about", element: <AboutPage /> },
            ],
          },
          { path: "*", element: <Navigate to="/inbox" replace /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <>
      <RouterProvider router={router} />
      <Toaster richColors position="bottom-right" closeButton />
    </>
  );
}
