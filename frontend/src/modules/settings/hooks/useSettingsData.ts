import { useApiQuery } from "@/hooks/useApiQuery";

import { settingsApi } from "../api";

export const useUsers = () => useApiQuery((signal) => settingsApi.listUsers(signal), []);
export const useInvitations = () => useApiQuery((signal) => settingsApi.listInvitations(signal), []);
export const useDepartments = () => useApiQuery((signal) => settingsApi.listDepartments(signal), []);
export const useInstances = () => useApiQuery((signal) => settingsApi.listInstances(signal), []);
export const useFields = () => useApiQuery((signal) => settingsApi.listFields(signal), []);
export const useInboxSettings = () => useApiQuery((signal) => settingsApi.inboxSettings(signal), []);
export const useOptOutSettings = () => useApiQuery((signal) => settingsApi.optOutSettings(signal), []);
