/** The campaigns module's routes (mounted at /campaigns/* by the app router). */
import { ShieldAlert } from "lucide-react";
import { Navigate, Route, Routes } from "react-router-dom";

import { EmptyState } from "@/components/EmptyState";
import { Page } from "@/components/PageHeader";
import { useAuth } from "@/stores/auth";

import { CampaignDetailPage } from "./CampaignDetailPage";
import { CampaignListPage } from "./CampaignListPage";
import { CampaignWizardPage } from "./CampaignWizardPage";

export function CampaignsPage() {
  // The API serves campaigns to admins and managers only.
  const role = useAuth((s) => s.user?.role);
  if (role === "agent") {
    return (
      <Page>
        <EmptyState
          icon={ShieldAlert}
          title="Acesso restrito"
          description="Somente administradores e gestores podem acessar as campanhas."
        />
      </Page>
    );
  }
  return (
    <Routes>
      <Route index element={<CampaignListPage />} />
      <Route path="new" element={<CampaignWizardPage />} />
      <Route path=":id/edit" element={<CampaignWizardPage />} />
      <Route path=":id" element={<CampaignDetailPage />} />
      <Route path="*" element={<Navigate to="/campaigns" replace />} />
    </Routes>
  );
}
