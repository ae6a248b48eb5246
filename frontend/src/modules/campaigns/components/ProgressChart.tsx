/** Cumulative sends over time as a plain SVG line chart (no chart library: five lines and two axes). */
import { useMemo } from "react";

import { countTicks } from "@/lib/ticks";

import { SERIES, SERIES_LABELS, type ChartPoint, type SeriesKey } from "../format";

const COLORS: Record<SeriesKey, string> = {
  sent: "#2563eb",
  delivered: "#0891b2",
  read: "#16a34a",
  replied: "#9333ea",
  failed: "#dc2626",
};

const W = 720;
const H = 240;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };


function timeLabel(t: number): string {
  return new Date(t).toLocaleTimeString("pt-BR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function ProgressChart({ points }: { points: ChartPoint[] }) {
  const geometry = useMemo(() => {
    if (points.length === 0) return null;
    const t0 = points[0].t;
    const t1 = Math.max(points[points.length - 1].t, t0 + 1000);
    // the series are counts: the axis ticks are whole numbers
    const tickValues = countTicks(Math.max(1, ...points.flatMap((p) => SERIES.map((k) => p[k]))));
    const maxV = tickValues[tickValues.length - 1];
    const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
    const y = (v: number) => H - PAD.bottom - (v / maxV) * (H - PAD.top - PAD.bottom);
    // A single point still draws as a short flat line.
    const pts = points.length === 1 ? [points[0], { ...points[0], t: t1 }] : points;
    const paths = SERIES.map((k) => ({
      key: k,
      d: pts.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p[k]).toFixed(1)}`).join(" "),
    }));
    const ticks = tickValues.map((v) => ({ v, y: y(v) }));
    return { paths, ticks, t0, t1 };
  }, [points]);

  const last = points[points.length - 1];

  return (
    <div className="space-y-2" data-testid="progress-chart" data-points={points.length} data-sent={last?.sent ?? 0}>
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {SERIES.map((k) => (
          <span key={k} className="inline-flex items-center gap-1.5">
            <span className="inline-block size-2.5 rounded-full" style={{ background: COLORS[k] }} />
            {SERIES_LABELS[k]}
            <span className="text-muted-foreground tabular-nums">{last ? last[k] : 0}</span>
          </span>
        ))}
      </div>
      {geometry ? (
        <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label="Evolução dos envios">
          {geometry.ticks.map((tick) => (
            <g key={tick.v}>
              <line x1={PAD.left} x2={W - PAD.right} y1={tick.y} y2={tick.y} stroke="currentColor" strokeOpacity={0.1} />
              <text x={PAD.left - 6} y={tick.y + 4} textAnchor="end" fontSize={11} fill="currentColor" fillOpacity={0.6}>
                {tick.v}
              </text>
            </g>
          ))}
          <text x={PAD.left} y={H - 8} fontSize={11} fill="currentColor" fillOpacity={0.6}>
            {timeLabel(geometry.t0)}
          </text>
          <text x={W - PAD.right} y={H - 8} textAnchor="end" fontSize={11} fill="currentColor" fillOpacity={0.6}>
            {timeLabel(geometry.t1)}
          </text>
          {geometry.paths.map((p) => (
            <path
              key={p.key}
              d={p.d}
              fill="none"
              stroke={COLORS[p.key]}
              strokeWidth={2}
              strokeLinejoin="round"
              data-series={p.key}
            />
          ))}
        </svg>
      ) : (
        <div className="text-muted-foreground flex h-40 items-center justify-center rounded-md border border-dashed text-sm">
          O gráfico aparece quando os primeiros envios acontecerem.
        </div>
      )}
    </div>
  );
}
