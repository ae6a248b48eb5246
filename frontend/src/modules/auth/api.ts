/** The account calls: the public ends of e-mailed links (no session) and the caller's own credentials. */
import { api, type TokenPair } from "@/lib/api";

import type { Role, Tenant, User } from "./types";

export interface SignupBody {
  company: string;
  name: string;
  email: string;
  password: string;
}

export interface SignupResponse extends TokenPair {
  tenant: Tenant;
  user: User;
}

export interface InvitationPreview {
  company: string;
  name: string;
  email: string;
  role: Role;
}

export interface AuthOptions {
  /** The local mail sink's inbox (alrea dev only); null when e-mail really leaves. */
  mail_sink_url: string | null;
}

const PUBLIC = { skipAuthRefresh: true } as const;

let optionsOnce: Promise<AuthOptions> | null = null;

export const authApi = {
  signup: async (body: SignupBody) => (await api.post<SignupResponse>("/auth/signup", body, PUBLIC)).data,
  forgotPassword: async (email: string) =>
    (await api.post<{ message: string }>("/auth/password/forgot", { email: email.trim() }, PUBLIC)).data,
  resetPassword: async (token: string, password: string) => {
    await api.post("/auth/password/reset", { token, password }, PUBLIC);
  },
  verifyEmail: async (token: string) => {
    await api.post("/auth/email/verify", { token }, { ...PUBLIC, skipErrorToast: true });
  },
  previewInvitation: async (token: string) =>
    (await api.post<InvitationPreview>("/auth/invitations/preview", { token }, { ...PUBLIC, skipErrorToast: true }))
      .data,
  acceptInvitation: async (token: string, password: string) =>
    (await api.post<TokenPair>("/auth/invitations/accept", { token, password }, PUBLIC)).data,
  /** Fetched once per page load; a failure means "no dev extras". */
  options: (): Promise<AuthOptions> => {
    optionsOnce ??= api
      .get<AuthOptions>("/auth/options", { ...PUBLIC, skipErrorToast: true })
      .then((r) => r.data)
      .catch(() => ({ mail_sink_url: null }));
    return optionsOnce;
  },

  changePassword: async (currentPassword: string, newPassword: string) =>
    (await api.post<TokenPair>("/me/password", { current_password: currentPassword, new_password: newPassword }))
      .data,
  resendVerification: async () => {
    await api.post("/me/email-verification");
  },
};

/** The `token` query parameter of an e-mailed link. */
export function linkToken(search: string): string {
  return new URLSearchParams(search).get("token")?.trim() ?? "";
}
