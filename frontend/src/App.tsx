import type { ComponentType } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router-dom";

import { AppShell } from "@/components/layout/AppShell";
import { RequireAdmin, RequireAuth, RequireStaff } from "@/components/RequireAuth";
import { Toaster } from "@/components/ui/sonner";
import { ProductGate } from "@/components/UpgradePrompt";
import {
  AcceptInvitePage,
  ForgotPasswordPage,
  LoginPage,
  ResetPasswordPage,
  SignupPage,
  VerifyEmailPage,
} from "@/modules/auth";
import { BillingPage } from "@/modules/billing";
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
import { useUserAccess, type Product } from "@/hooks/useUserAccess";
import { useAuth } from "@/stores/auth";

/** A lazily loaded module behind its product: the module, or an UpgradePrompt in its place. */
function gated(product: Product, Module: ComponentType) {
  return function Gated() {
    return (
      <ProductGate product={product}>
        <Module />
      </ProductGate>
    );
  };
}

/** Home: admins and managers land on the dashboard, attendants in the inbox; a tenant without Flow (API Only)
 * on its API settings (admins) or "Sobre". */
function Home() {
  const flow = useUserAccess("flow").allowed;
  const role = useAuth((s) => s.user?.role);
  const staff = role === "admin" || role === "manager";
  if (!flow) return <Navigate to={role === "admin" ? "/settings/api" : "/settings/about"} replace />;
  return <Navigate to={staff ? "/dashboard" : "/inbox"} replace />;
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
            lazy: async () => ({ Component: gated("flow", (await import("@/modules/inbox")).InboxPage) }),
          },
          {
            path: "contacts",
            lazy: async () => ({ Component: gated("flow", (await import("@/modules/contacts")).ContactsPage) }),
          },
          {
            path: "campaigns/*",
            lazy: async () => ({ Component: gated("flow", (await import("@/modules/campaigns")).CampaignsPage) }),
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
                  { path: "fields", element: <ProductGate product="flow"><FieldsPage /></ProductGate> },
                  { path: "opt-out", element: <ProductGate product="flow"><OptOutPage /></ProductGate> },
                  { path: "inbox", element: <ProductGate product="flow"><InboxSettingsPage /></ProductGate> },
                  { path: "privacy", element: <PrivacyPage /> },
                  { path: "api", element: <ProductGate product="api"><ApiKeysPage /></ProductGate> },
                  { path: "webhooks", element: <ProductGate product="api"><WebhooksPage /></ProductGate> },
                  { path: "sense", element: <ProductGate product="sense"><SensePage /></ProductGate> },
                  { path: "billing", element: <BillingPage /> },
                ],
              },
              {
                element: <RequireStaff />,
                children: [
                  { path: "quick-replies", element: <ProductGate product="flow"><QuickRepliesPage /></ProductGate> },
                ],
              },
              { path: "profile", element: <ProfilePage /> },
              { path: "about", element: <AboutPage /> },
            ],
          },
          { path: "*", element: <Home /> },
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
