/** Does a conversation belong in the list the person is looking at? (mirrors the API's filters and role scope) */
import type { Role } from "@/modules/auth/types";

import type { Conversation, InboxFilters } from "../types";

export interface Viewer {
  id: string;
  role: Role | string;
  department_id?: string | null;
}

export const DEFAULT_FILTERS: InboxFilters = {
  status: "inbox",
  sort: "newest",
  department_id: "",
  assignee: "",
  unread: false,
  instance_id: "",
  q: "",
  mood: "",
};

/** What the API lets this person see at all. */
export function visibleTo(c: Conversation, viewer: Viewer): boolean {
  if (viewer.role === "admin") return true;
  if (c.assigned_user_id && c.assigned_user_id === viewer.id) return true;
  const ownDepartment = !!c.department_id && c.department_id === viewer.department_id;
  if (viewer.role === "manager") return ownDepartment;
  return !c.assigned_user_id && ownDepartment;
}

/** The default view: the pending chats of my queue (an admin: every pending one) + my own open chats. */
export function inDefaultView(c: Conversation, viewer: Viewer): boolean {
  const status = c.status ?? "open";
  if (status === "open") return !!c.assigned_user_id && c.assigned_user_id === viewer.id;
  if (status !== "pending") return false;
  return viewer.role === "admin" || (!!c.department_id && c.department_id === viewer.department_id);
}

function digits(value: string): string {
  return value.replace(/\D/g, "");
}

export function matchesFilters(c: Conversation, filters: InboxFilters, viewer: Viewer): boolean {
  if (!visibleTo(c, viewer)) return false;
  if (filters.status === "inbox") {
    if (!inDefaultView(c, viewer)) return false;
  } else if ((c.status ?? "open") !== filters.status) return false;
  if (filters.department_id && c.department_id !== filters.department_id) return false;
  const byOwner = filters.status !== "inbox"; // the default view has no owner filter
  if (byOwner && filters.assignee === "me" && c.assigned_user_id !== viewer.id) return false;
  if (byOwner && filters.assignee === "none" && c.assigned_user_id) return false;
  if (filters.unread && !(typeof c.unread === "number" ? c.unread > 0 : !!c.unread)) return false;
  if (filters.instance_id && c.instance_id !== filters.instance_id) return false;
  if (filters.mood && c.mood !== filters.mood) return false;
  const q = filters.q.trim().toLowerCase();
  if (q) {
    const name = (c.contact_name ?? "").toLowerCase();
    const phone = digits(c.phone ?? "");
    const qd = digits(q);
    if (!name.includes(q) && !(qd && phone.includes(qd))) return false;
  }
  return true;
}
