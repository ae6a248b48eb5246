/**
 * The open conversation lives in the URL (/inbox/:conversationId): a link or a reload opens it, and on a
 * phone the browser's Back returns from the chat to the list. Opening a chat from the list pushes a history
 * entry (switching between chats replaces it); closing it (back button, the chat was taken away) goes back.
 */
import { useCallback, useEffect, useRef } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";

import { useInbox } from "../stores/inbox";

interface RouteState {
  fromList?: boolean;
}

export function useInboxRoute(): { back: () => void } {
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const selectedId = useInbox((s) => s.selectedId);
  const fromList = !!(location.state as RouteState | null)?.fromList;
  const previous = useRef<string | null | undefined>(undefined);

  // URL → store (first visit, a pasted link, Back / Forward)
  useEffect(() => {
    const wanted = conversationId ?? null;
    if (useInbox.getState().selectedId !== wanted) useInbox.getState().select(wanted);
  }, [conversationId]);

  // store → URL (a click in the list, a notification, the chat closed by the server)
  useEffect(() => {
    const before = previous.current;
    previous.current = selectedId;
    if (before === undefined || before === selectedId) return; // mount: the URL wins
    const current = conversationId ?? null;
    if (selectedId === current) return;
    if (selectedId) {
      navigate(`/inbox/${selectedId}`, { replace: !!current, state: { fromList: current ? fromList : true } });
    } else if (fromList) {
      navigate(-1);
    } else {
      navigate("/inbox", { replace: true });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a change of selection moves the URL
  }, [selectedId]);

  const back = useCallback(() => useInbox.getState().select(null), []);
  return { back };
}
