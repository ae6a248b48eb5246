import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";

import { WEEKDAYS } from "../../format";
import type { Draft } from "../../stores/draft";
import type { Pacing } from "../../types";

function num(value: string): number {
  const n = Number(value);
  return value.trim() === "" || !Number.isFinite(n) ? Number.NaN : n;
}

export function PacingStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  const p = draft.pacing;
  const set = (patch: Partial<Pacing>) => onChange({ pacing: { ...p, ...patch } });
  const show = (n: number) => (Number.isNaN(n) ? "" : String(n));

  function toggleDay(day: number) {
    set({ weekdays: p.weekdays.includes(day) ? p.weekdays.filter((d) => d !== day) : [...p.weekdays, day] });
  }

  return (
    <div className="grid gap-6">
      <fieldset className="grid gap-2">
        <legend className="text-sm font-medium">Intervalo entre envios (por número)</legend>
        <div className="flex flex-wrap items-end gap-3">
          <FormField id="min-delay" label="Mínimo (segundos)" className="gap-1">
            <Input
              type="number"
              min={0}
              className="w-32"
              value={show(p.min_delay_s)}
              onChange={(e) => set({ min_delay_s: num(e.target.value) })}
            />
          </FormField>
          <FormField id="max-delay" label="Máximo (segundos)" className="gap-1">
            <Input
              type="number"
              min={0}
              className="w-32"
              value={show(p.max_delay_s)}
              onChange={(e) => set({ max_delay_s: num(e.target.value) })}
            />
          </FormField>
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
        <p className="text-muted-foreground text-xs">Fora da janela os envios aguardam o próximo horário permitido (fuso da empresa). Término 00:00 = até a
          meia-noite.</p>
      </fieldset>

      <div className="flex flex-wrap gap-6">
        <FormField id="daily-cap" label="Limite diário por número" className="gap-1">
          <Input
            type="number"
            min={1}
            className="w-32"
            value={show(p.daily_cap_per_number)}
            onChange={(e) => set({ daily_cap_per_number: num(e.target.value) })}
          />
        </FormField>
        <FormField id="reply-window" label="Janela de resposta (horas)" className="gap-1">
          <Input
            type="number"
            min={1}
            className="w-32"
            value={show(draft.replyWindowH)}
            onChange={(e) => onChange({ replyWindowH: num(e.target.value) })}
          />
        </FormField>
      </div>
    </div>
  );
}
