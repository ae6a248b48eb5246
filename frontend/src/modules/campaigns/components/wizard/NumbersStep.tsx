import { Smartphone } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { useApiQuery } from "@/hooks/useApiQuery";
import { cn } from "@/lib/utils";

import { campaignsApi } from "../../api";
import type { Draft } from "../../stores/draft";

export function NumbersStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  const instances = useApiQuery((signal) => campaignsApi.instances(signal), []);
  const list = instances.data ?? [];
  const ids = list.map((i) => i.id).join(",");
  const cap = draft.pacing.daily_cap_per_number;
  const warms = draft.pacing.warmup !== false;
  const warmup = useApiQuery(
    (signal) => campaignsApi.warmup(ids && warms ? ids.split(",") : [], cap, signal),
    [ids, cap, warms],
  );
  const warming = new Map((warmup.data ?? []).filter((w) => w.warming).map((w) => [w.instance_id, w]));

  function toggle(id: string) {
    onChange({
      instanceIds: draft.instanceIds.includes(id) ? draft.instanceIds.filter((x) => x !== id) : [...draft.instanceIds, id],
    });
  }

  if (instances.loading) return <p className="text-muted-foreground text-sm">Carregando números…</p>;
  if (list.length === 0)
    return (
      <p className="text-muted-foreground text-sm">
        Nenhum número cadastrado. Conecte um número em Configurações → Números.
      </p>
    );
  return (
    <div className="grid gap-3">
      <p className="text-muted-foreground text-sm">
        Com mais de um número, os envios se revezam entre eles; cada contato continua recebendo do número que falou com
        ele primeiro. Se um número desconectar durante a campanha, os contatos dele passam para os outros números.
        Números conectados há menos de 14 dias entram em aquecimento: começam com 20 envios por dia e dobram a cada dia.
      </p>
      <div className="grid gap-2 sm:grid-cols-2" data-testid="campaign-numbers">
        {list.map((instance) => {
          const connected = instance.state === "open";
          const checked = draft.instanceIds.includes(instance.id);
          return (
            <label
              key={instance.id}
              className={cn(
                "flex cursor-pointer items-center gap-3 rounded-lg border p-3",
                checked && "border-primary bg-primary/5",
                !connected && "cursor-not-allowed opacity-60",
              )}
            >
              <input
                type="checkbox"
                className="size-4"
                checked={checked}
                disabled={!connected && !checked}
                onChange={() => toggle(instance.id)}
                aria-label={instance.name}
              />
              <Smartphone className="text-muted-foreground size-4" />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium">{instance.name}</span>
                <span className="text-muted-foreground block text-xs">
                  {instance.phone ? `+${instance.phone.replace(/^\+/, "")}` : "Sem número vinculado"}
                </span>
                {warming.has(instance.id) ? (
                  <span className="block text-xs text-amber-700 dark:text-amber-400" data-testid="number-warmup">
                    Este número está em aquecimento: até {warming.get(instance.id)!.limit_today} envios hoje
                  </span>
                ) : null}
              </span>
              <Badge variant={connected ? "success" : "outline"}>{connected ? "Conectado" : "Desconectado"}</Badge>
            </label>
          );
        })}
      </div>
    </div>
  );
}
