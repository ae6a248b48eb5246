import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/lib/utils";

import { WEEKDAYS } from "../../format";
import type { Draft } from "../../stores/draft";
import type { Pacing } from "../../types";

function num(value: string): number {
  const n = Number(value);
  return value.trim() === "" || !Number.isFinite(n) ? Number.NaN : n;
}

function show(n: number): string {
  return Number.isNaN(n) ? "" : String(n);
}

/** A number field of the step; an empty or non-numeric entry is kept as NaN (shown empty). */
function NumberField(props: { id: string; label: string; min: number; value: number; onValue: (n: number) => void }) {
  return (
    <FormField id={props.id} label={props.label} className="gap-1">
      <Input
        type="number"
        min={props.min}
        className="w-32"
        value={show(props.value)}
        onChange={(e) => props.onValue(num(e.target.value))}
      />
    </FormField>
  );
}

export function PacingStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  const p = draft.pacing;
  const set = (patch: Partial<Pacing>) => onChange({ pacing: { ...p, ...patch } });

  function toggleDay(day: number) {
    set({ weekdays: p.weekdays.includes(day) ? p.weekdays.filter((d) => d !== day) : [...p.weekdays, day] });
  }

  return (
    <div className="grid gap-6">
      <fieldset className="grid gap-2">
        <legend className="text-sm font-medium">Intervalo entre envios (por número)</legend>
        <div className="flex flex-wrap items-end gap-3">
          <NumberField
            id="min-delay"
            label="Mínimo (segundos)"
            min={0}
            value={p.min_delay_s}
            onValue={(n) => set({ min_delay_s: n })}
          />
          <NumberField
            id="max-delay"
            label="Máximo (segundos)"
            min={0}
            value={p.max_delay_s}
            onValue={(n) => set({ max_delay_s: n })}
          />
        </div>
        <p className="text-muted-foreground text-xs">
          Cada envio espera um tempo sorteado nessa faixa. Intervalos curtos aumentam o risco de bloqueio pelo WhatsApp.
        </p>
      </fieldset>

      <fieldset className="grid gap-2">
        <legend className="text-sm font-medium">Janela de horário</legend>
        <div className="flex flex-wrap items-end gap-3">
          <FormField id="window-start" label="Início" className="gap-1">
            <Input
              type="time"
              className="w-32"
              value={p.window_start}
              onChange={(e) => set({ window_start: e.target.value })}
            />
          </FormField>
          <FormField id="window-end" label="Término" className="gap-1">
            <Input
              type="time"
              className="w-32"
              value={p.window_end}
              onChange={(e) => set({ window_end: e.target.value })}
            />
          </FormField>
        </div>
        <div className="flex flex-wrap gap-2" role="group" aria-label="Dias da semana">
          {WEEKDAYS.map((label, day) => {
            const on = p.weekdays.includes(day);
            return (
              <button
                key={label}
                type="button"
                aria-pressed={on}
                onClick={() => toggleDay(day)}
                className={cn(
                  "w-12 rounded-md border py-1 text-sm transition-colors",
                  on ? "bg-primary text-primary-foreground border-primary" : "hover:bg-accent",
                )}
              >
                {label}
              </button>
            );
          })}
        </div>
        <p className="text-muted-foreground text-xs">
          Fora da janela os envios aguardam o próximo horário permitido (fuso da empresa). Término 00:00 = até a
          meia-noite.
        </p>
      </fieldset>

      <div className="flex flex-wrap gap-6">
        <NumberField
          id="daily-cap"
          label="Limite diário por número"
          min={1}
          value={p.daily_cap_per_number}
          onValue={(n) => set({ daily_cap_per_number: n })}
        />
        <NumberField
          id="reply-window"
          label="Janela de resposta (horas)"
          min={1}
          value={draft.replyWindowH}
          onValue={(n) => onChange({ replyWindowH: n })}
        />
      </div>

      <label className="flex items-start gap-3 text-sm">
        <Switch
          checked={p.warmup !== false}
          onCheckedChange={(on) => set({ warmup: on })}
          aria-label="Aquecer números novos"
        />
        <span>
          <span className="font-medium">Aquecer números novos</span>
          <span className="text-muted-foreground block text-xs">
            Números conectados há menos de {p.warmup_days ?? 14} dias começam com {p.warmup_first_day ?? 20} envios
            no primeiro dia e dobram a cada dia até o limite diário — números novos são os que o WhatsApp bloqueia
            primeiro.
          </span>
        </span>
      </label>
    </div>
  );
}
