import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

import type { Draft } from "../../stores/draft";

export function ScheduleStep({ draft, onChange }: { draft: Draft; onChange: (patch: Partial<Draft>) => void }) {
  return (
    <div className="grid gap-4" role="radiogroup" aria-label="Quando enviar">
      <label className="flex items-start gap-3">
        <input
          type="radio"
          name="schedule"
          className="mt-1"
          checked={draft.scheduleMode === "now"}
          onChange={() => onChange({ scheduleMode: "now" })}
        />
        <span>
          <span className="block font-medium">Enviar agora</span>
          <span className="text-muted-foreground block text-sm">Começa assim que você iniciar (dentro da janela de horário).</span>
        </span>
      </label>
      <label className="flex items-start gap-3">
        <input
          type="radio"
          name="schedule"
          className="mt-1"
          checked={draft.scheduleMode === "later"}
          onChange={() => onChange({ scheduleMode: "later" })}
        />
        <span className="grid gap-2">
          <span className="block font-medium">Agendar</span>
          <span className="text-muted-foreground block text-sm">A campanha começa sozinha na data e hora escolhidas.</span>
        </span>
      </label>
      {draft.scheduleMode === "later" ? (
        <div className="grid gap-1 pl-7">
          <Label htmlFor="schedule-at">Data e hora de início</Label>
          <Input
            id="schedule-at"
            type="datetime-local"
            className="w-64"
            value={draft.scheduleLocal}
            onChange={(e) => onChange({ scheduleLocal: e.target.value })}
          />
        </div>
      ) : null}
    </div>
  );
}
