import { useCallback, useState } from "react";
import { toast } from "sonner";

import { inboxApi, putToPresigned } from "../api";
import { useInbox } from "../stores/inbox";

export type UploadPhase = "idle" | "uploading" | "sending" | "error";

export interface UploadState {
  phase: UploadPhase;
  /** 0..1 of the bytes sent to storage. */
  progress: number;
  fileName: string | null;
  error: string | null;
}

export interface Attachment {
  file: Blob;
  fileName: string;
  mimetype: string;
  caption?: string;
  /** A voice note recorded in the browser. */
  ptt?: boolean;
}

const IDLE: UploadState = { phase: "idle", progress: 0, fileName: null, error: null };
export const UPLOAD_FAILED = "Não foi possível enviar o arquivo.";

function isAxiosError(err: unknown): boolean {
  return Boolean(err && typeof err === "object" && "isAxiosError" in err);
}

/**
 * Attachments of the composer: ask an upload ticket (POST /uploads), PUT the bytes to the presigned URL with
 * progress, then send the message (POST /messages) and show it at once. API failures are toasted by the client;
 * a refused or broken upload (storage, not our API) is toasted and kept in `state.error`.
 */
export function useMediaUpload(conversationId: string) {
  const [state, setState] = useState<UploadState>(IDLE);
  const addMessages = useInbox((s) => s.addMessages);

  const send = useCallback(
    async ({ file, fileName, mimetype, caption, ptt }: Attachment): Promise<boolean> => {
      setState({ phase: "uploading", progress: 0, fileName, error: null });
      try {
        const named = new File([file], fileName, { type: mimetype });
        const ticket = await inboxApi.createUpload(conversationId, named);
        await putToPresigned(ticket, named, (progress) => setState((s) => ({ ...s, progress })));
        setState((s) => ({ ...s, phase: "sending", progress: 1 }));
        const message = await inboxApi.sendMedia(conversationId, {
          key: ticket.key,
          mimetype,
          file_name: fileName,
          ...(caption ? { caption } : {}),
          ...(ptt ? { ptt: true } : {}),
        });
        if (message?.id) addMessages(conversationId, [message]);
        setState(IDLE);
        return true;
      } catch (err) {
        // API failures were toasted by the client; a refused upload to storage is ours to report
        const own = !isAxiosError(err);
        if (own) toast.error(UPLOAD_FAILED);
        setState({ phase: "error", progress: 0, fileName, error: own ? UPLOAD_FAILED : null });
        return false;
      }
    },
    [conversationId, addMessages],
  );

  const dismiss = useCallback(() => setState(IDLE), []);
  return { state, send, dismiss, busy: state.phase === "uploading" || state.phase === "sending" };
}
