/** Small pieces of the reports pages: stat cards, a bar chart of counts (whole-number ticks), the mood split,
 * and the CSV button of every table. */
import { Download } from "lucide-react";
import { useState, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

import { downloadCsv } from "./csv";
import { countTicks, shortDay } from "./format";

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: string; testId?: string }) {
  return (
    <Card className="gap-1 px-4 py-3" data-testid={testId}>
      <div className="text-muted-foreground text-xs">{label}</div>
      <div className="text-xl font-semibold tabular-nums">{value}</div>
      {hint ? <div className="text-muted-foreground text-[11px]">{hint}</div> : null}
    </Card>
  );
}

const W = 720;
const H = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 24 };

/** Grouped bars per day; the y axis ticks are whole numbers (the series are counts). */
export function DayBars({
  rows,
  series,
  label,
}: {
  rows: { day: string }[];
  series: { key: string; label: string; color: string }[];
  label: string;
}) {
  const value = (r: { day: string }, key: string) => Number((r as Record<string, unknown>)[key] ?? 0);
  const max = Math.max(0, ...rows.flatMap((r) => series.map((s) => value(r, s.key))));
  const ticks = countTicks(max);
  const top = ticks[ticks.length - 1] || 1;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, rows.length);
  const bar = Math.max(2, (slot * 0.7) / series.length);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-4 text-xs">
        {series.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1.5">
            <span className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
            {s.label}
          </span>
        ))}
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={label} data-testid="day-bars"
        data-ticks={ticks.join(",")}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="currentColor" strokeOpacity={0.1} />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize={11} fill="currentColor" fillOpacity={0.6}>
              {t}
            </text>
          </g>
        ))}
        {rows.map((r, i) => (
          <g key={r.day}>
            {series.map((s, j) => {
              const v = value(r, s.key);
              const x = PAD.left + i * slot + slot * 0.15 + j * bar;
              return (
                <rect key={s.key} x={x} y={y(v)} width={bar - 1} height={Math.max(0, H - PAD.bottom - y(v))} fill={s.color}>
                  <title>{`${shortDay(r.day)} · ${s.label}: ${v}`}</title>
                </rect>
              );
            })}
            <text x={PAD.left + i * slot + slot / 2} y={H - 6} textAnchor="middle" fontSize={11} fill="currentColor"
              fillOpacity={0.6}>
              {shortDay(r.day)}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

export function MoodSplit({ mood }: { mood: { pos: number; neu: number; neg: number } }) {
  const total = mood.pos + mood.neu + mood.neg;
  if (!total) return <p className="text-muted-foreground text-sm">Sem mensagens analisadas no período.</p>;
  const parts = [
    { key: "pos", label: "Satisfeitos", value: mood.pos, color: "bg-emerald-500" },
    { key: "neu", label: "Neutros", value: mood.neu, color: "bg-slate-400" },
    { key: "neg", label: "Insatisfeitos", value: mood.neg, color: "bg-red-500" },
  ];
  return (
    <div className="space-y-2" data-testid="mood-split">
      <div className="flex h-3 overflow-hidden rounded-full">
        {parts.map((p) => (
          <div key={p.key} className={p.color} style={{ width: `${(p.value / total) * 100}%` }} />
        ))}
      </div>
      <div className="flex flex-wrap gap-4 text-xs">
        {parts.map((p) => (
          <span key={p.key} data-testid={`mood-${p.key}`} data-value={p.value}>
            {p.label}: <strong className="tabular-nums">{p.value}</strong> ({Math.round((p.value / total) * 100)}%)
          </span>
        ))}
      </div>
    </div>
  );
}

/** "Exportar CSV" with the Excel options: `;` separator and dd/mm/aaaa dates. */
export function CsvButton({ name, header, rows }: { name: string; header: string[]; rows: (string | number | null)[][] }) {
  const [excel, setExcel] = useState(true);
  return (
    <div className="flex items-center gap-2 text-xs">
      <label className="text-muted-foreground flex items-center gap-1">
        <input type="checkbox" checked={excel} onChange={(e) => setExcel(e.target.checked)} />
        Formato Excel (;)
      </label>
      <Button size="sm" variant="outline" onClick={() => downloadCsv(name, header, rows, { excel })}>
        <Download className="size-3.5" /> CSV
      </Button>
    </div>
  );
}
