import { useCallback, useEffect, useRef, useState } from "react";

import { contactsApi } from "../api";
import type { Contact, ContactFilter } from "../types";

/** The contacts of a filter, page by page (cursor), with "load more" and a refetch from the start. */
export function useContacts(filter: ContactFilter) {
  const [items, setItems] = useState<Contact[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const seq = useRef(0);
  const key = JSON.stringify(filter);

  const refetch = useCallback(async () => {
    const id = ++seq.current;
    setLoading(true);
    try {
      const page = await contactsApi.list(JSON.parse(key) as ContactFilter);
      if (id !== seq.current) return;
      setItems(page.items);
      setCursor(page.next_cursor);
      setFailed(false);
    } catch (err) {
      if (id === seq.current) setFailed(true);
      throw err;
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [key]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const id = seq.current;
    const page = await contactsApi.list(JSON.parse(key) as ContactFilter, cursor);
    if (id !== seq.current) return;
    setItems((prev) => [...prev, ...page.items]);
    setCursor(page.next_cursor);
  }, [cursor, key]);

  useEffect(() => {
    const timer = window.setTimeout(() => void refetch().catch(() => undefined), 250); // debounce typing
    return () => window.clearTimeout(timer);
  }, [refetch]);

  const replace = useCallback((contact: Contact) => {
    setItems((prev) => prev.map((c) => (c.id === contact.id ? contact : c)));
  }, []);

  return { items, hasMore: !!cursor, loading, failed, refetch, loadMore, replace };
}
