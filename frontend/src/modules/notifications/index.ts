export { NotificationBell, NotificationFeed } from "./NotificationCenter";
export { useNotifications } from "./store";
export * from "./types";
