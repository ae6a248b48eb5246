/** Calls of the settings module. All go through the shared `api` client (auth, refresh, toasts). */
import { api, getItems } from "@/lib/api";

import { extractQr } from "./qr";
import type {
  Department,
  FieldDef,
  Instance,
  NewField,
  Invitation,
  NewInvitation,
  TenantSettings,
  InboxSettings,
  OptOutConfig,
  OptOutSettings,
  QrCode,
  User,
  UserPatch,
} from "./types";

export interface QuickReply {
  id: string;
  shortcut: string;
  text: string;
  created_at: string;
  updated_at: string | null;
}

/** A number's automatic distribution: its own switch (`override`) or the tenant's default. */
export interface NumberAutoAssign {
  instance_id: string;
  auto_assign: boolean;
  override: boolean;
  tenant_default: boolean;
}

export const settingsApi = {
  listUsers: (signal?: AbortSignal) => getItems<User>("/users", signal),
  listInvitations: (signal?: AbortSignal) => getItems<Invitation>("/invitations", signal),
  invite: async (body: NewInvitation) => (await api.post<Invitation>("/invitations", body)).data,
  resendInvitation: async (id: string) => (await api.post<Invitation>(`/invitations/${id}/resend`)).data,
  cancelInvitation: async (id: string) => {
    await api.delete(`/invitations/${id}`);
  },
  updateTenant: async (body: TenantSettings) => (await api.patch<unknown>("/tenant", body)).data,
  updateUser: async (id: string, patch: UserPatch) => (await api.patch<User>(`/users/${id}`, patch)).data,
  setUserActive: async (id: string, active: boolean) =>
    (await api.post<User>(`/users/${id}/${active ? "activate" : "deactivate"}`)).data,

  listDepartments: (signal?: AbortSignal) => getItems<Department>("/departments", signal),
  createDepartment: async (name: string) => (await api.post<Department>("/departments", { name })).data,
  renameDepartment: async (id: string, name: string) =>
    (await api.patch<Department>(`/departments/${id}`, { name })).data,
  deleteDepartment: async (id: string) => {
    await api.delete(`/departments/${id}`);
  },

  listFields: (signal?: AbortSignal) => getItems<FieldDef>("/contacts/fields", signal),
  createField: async (body: NewField) => (await api.post<FieldDef>("/contacts/fields", body)).data,
  relabelField: async (name: string, label: string) =>
    (await api.patch<FieldDef>(`/contacts/fields/${encodeURIComponent(name)}`, { label })).data,
  deleteField: async (name: string) => {
    await api.delete(`/contacts/fields/${encodeURIComponent(name)}`);
  },

  optOutSettings: async (signal?: AbortSignal) =>
    (await api.get<OptOutSettings>("/campaigns/settings/opt-out", { signal })).data,
  inboxSettings: async (signal?: AbortSignal) => (await api.get<InboxSettings>("/inbox/settings", { signal })).data,
  saveInboxSettings: async (body: Partial<InboxSettings>) =>
    (await api.put<InboxSettings>("/inbox/settings", body)).data,
  saveOptOutSettings: async (body: OptOutConfig) =>
    (await api.put<OptOutSettings>("/campaigns/settings/opt-out", body)).data,

  listInstances: (signal?: AbortSignal) => getItems<Instance>("/instances", signal),
  createInstance: async (name: string) => (await api.post<Instance>("/instances", { name })).data,
  renameInstance: async (id: string, name: string) =>
    (await api.put<Instance>(`/instances/${id}/name`, { name })).data,
  setInstanceDepartment: async (id: string, departmentId: string | null) =>
    (await api.put<Instance>(`/instances/${id}`, { default_department_id: departmentId })).data,
  logoutInstance: async (id: string) => (await api.post<Instance>(`/instances/${id}/logout`)).data,
  deleteInstance: async (id: string) => {
    await api.delete(`/instances/${id}`);
  },

  listQuickReplies: (signal?: AbortSignal) => getItems<QuickReply>("/quick-replies", signal),
  createQuickReply: async (shortcut: string, text: string) =>
    (await api.post<QuickReply>("/quick-replies", { shortcut, text })).data,
  updateQuickReply: async (id: string, shortcut: string, text: string) =>
    (await api.put<QuickReply>(`/quick-replies/${id}`, { shortcut, text })).data,
  deleteQuickReply: async (id: string) => {
    await api.delete(`/quick-replies/${id}`);
  },

  numberSettings: (signal?: AbortSignal) => getItems<NumberAutoAssign>("/number-settings", signal),
  setNumberAutoAssign: async (id: string, enabled: boolean | null) =>
    (await api.put<NumberAutoAssign>(`/instances/${id}/auto-assign`, { enabled })).data,

  renameMe: async (name: string) => (await api.patch<unknown>("/me/profile", { name })).data,

  instanceQr: async (id: string, signal?: AbortSignal): Promise<QrCode> =>
    extractQr((await api.get<unknown>(`/instances/${id}/qrcode`, { signal })).data),
};
