import { Loader2, RefreshCw } from "lucide-react";
import { useEffect } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { useApiQuery } from "@/hooks/useApiQuery";
import { useRealtimeEvent } from "@/hooks/useRealtime";

import { settingsApi } from "../api";
import type { Instance } from "../types";
import { InstanceStateBadge } from "./InstanceStateBadge";

/** WhatsApp QR codes expire in about 40 s: fetch a fresh one well before. */
const QR_REFRESH_MS = 20_000;

interface InstanceQrDialogProps {
  instance: Instance | null;
  onClose: () => void;
  /** Re-reads the instance list, so the dialog sees the state change to "open". */
  onPollState: () => void;
}

export function InstanceQrDialog({ instance, onClose, onPollState }: InstanceQrDialogProps) {
  const id = instance?.id ?? null;
  const connected = instance?.state === "open";
  const qr = useApiQuery(
    async (signal) => (id && !connected ? settingsApi.instanceQr(id, signal) : null),
    [id, connected],
  );

  const refetchQr = qr.refetch;
  // Evolution rotates the QR; the API pushes {"type": "instance_qrcode", instance_id} when it does.
  useRealtimeEvent("instance_qrcode", (event) => {
    if (id && event.instance_id === id && !connected) void refetchQr();
  });
  useEffect(() => {
    if (!id || connected) return undefined;
    const qrTimer = setInterval(() => void refetchQr(), QR_REFRESH_MS);
    const stateTimer = setInterval(onPollState, 3_000);
    return () => {
      clearInterval(qrTimer);
      clearInterval(stateTimer);
    };
  }, [id, connected, refetchQr, onPollState]);

  useEffect(() => {
    if (instance && connected) {
      toast.success(`Número “${instance.name}” conectado`);
      onClose();
    }
  }, [instance, connected, onClose]);

  const data = qr.data;
  return (
    <Dialog open={instance !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="sm:max-w-md">
        <DialogHeader>
          <DialogTitle>Conectar “{instance?.name}”</DialogTitle>
          <DialogDescription>
            No celular, abra o WhatsApp › Dispositivos conectados › Conectar um dispositivo e aponte a câmera para o
            código.
          </DialogDescription>
        </DialogHeader>
        <div className="flex flex-col items-center gap-3">
          {instance ? <InstanceStateBadge state={instance.state} /> : null}
          {qr.loading ? (
            <Skeleton className="size-64" />
          ) : data?.image ? (
            <img
              src={data.image}
              alt="QR code para conectar o WhatsApp"
              data-testid="instance-qr"
              className="size-64 rounded-lg border bg-white p-2"
            />
          ) : data?.code ? (
            <code data-testid="instance-qr-code" className="bg-muted max-w-full rounded p-3 text-xs break-all">
              {data.code}
            </code>
          ) : (
            <p className="text-muted-foreground text-sm">QR code indisponível no momento. Tente atualizar.</p>
          )}
          {data?.pairingCode ? (
            <p className="text-sm">
              Ou use o código de pareamento: <strong className="font-mono tracking-widest">{data.pairingCode}</strong>
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => void qr.refetch()} disabled={qr.fetching}>
            {qr.fetching ? <Loader2 className="animate-spin" /> : <RefreshCw />}
            Atualizar QR
          </Button>
          <Button onClick={onClose}>Fechar</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
