import { Badge } from "@/components/ui/badge";

import type { InstanceState } from "../types";

export function instanceStateLabel(state: InstanceState): string {
  switch (state) {
    case "open":
      return "Conectado";
    case "connecting":
    case "qrcode":
      return "Aguardando leitura do QR";
    case "close":
    case "closed":
      return "Desconectado";
    case "created":
      return "Criado";
    default:
      return state || "Desconhecido";
  }
}

export function InstanceStateBadge({ state }: { state: InstanceState }) {
  const variant = state === "open" ? "success" : state === "connecting" || state === "qrcode" ? "warning" : "outline";
  return (
    <Badge variant={variant} data-testid="instance-state" data-state={state}>
      {instanceStateLabel(state)}
    </Badge>
  );
}
