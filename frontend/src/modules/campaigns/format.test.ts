import { describe, expect, it } from "vitest";

import { chartSeries, formatEta, progressPercent, statusLabel, variablesIn } from "./format";
import { draftToInput, emptyDraft, stepProblem } from "./stores/draft";

describe("campaign format helpers", () => {
  it("labels every status in Portuguese", () => {
    expect(
      ["draft", "scheduled", "running", "paused", "completed", "cancelled", "failed"].map(statusLabel),
    ).toEqual(["Rascunho", "Agendada", "Em andamento", "Pausada", "Concluída", "Cancelada", "Falhou"]);
  });

  it("counts settled recipients as progress, whatever the funnel says", () => {
    expect(progressPercent({ total: 10, pending: 5, queued: 1, sending: 1, unknown: 1, sent: 2 })).toBe(20);
    expect(progressPercent({ total: 4, sent: 3, delivered: 3, read: 2, failed: 1 })).toBe(100);
    expect(progressPercent({ total: 0 })).toBe(0);
    expect(progressPercent(undefined)).toBe(0);
  });

  it("turns per-bucket timeline counts into running totals at bucket ends, live points fill the open bucket", () => {
    const t = (hms: string) => Date.parse(`2030-01-01T${hms}Z`);
    const buckets = [
      { at: "2030-01-01T10:01:00Z", sent: 2, delivered: 1, read: 0, replied: 0, failed: 1 },
      { at: "2030-01-01T10:00:00Z", sent: 3, delivered: 2, read: 1, replied: 0, failed: 0 },
    ];
    const live = [
      { t: t("10:00:30"), sent: 1, delivered: 0, read: 0, replied: 0, failed: 0 }, // inside a closed bucket
      { t: t("10:01:20"), sent: 6, delivered: 3, read: 1, replied: 0, failed: 1 },
      { t: t("10:01:30"), sent: 4, delivered: 4, read: 1, replied: 1, failed: 1 }, // lagging: never goes down
    ];
    const points = chartSeries(buckets, live, 60, t("10:01:40"));
    expect(points.map((p) => [p.t, p.sent])).toEqual([
      [t("10:00:00"), 0],
      [t("10:01:00"), 3],
      [t("10:01:20"), 6],
      [t("10:01:30"), 6],
    ]);
    expect(points[3]).toMatchObject({ delivered: 4, replied: 1, failed: 1 });
    // Without live points the open bucket is drawn at endAt; a finished run's buckets at their ends.
    expect(chartSeries(buckets, [], 60, t("10:01:40")).map((p) => [p.t, p.sent])).toEqual([
      [t("10:00:00"), 0],
      [t("10:01:00"), 3],
      [t("10:01:40"), 5],
    ]);
    expect(chartSeries(buckets, [], 60, t("11:00:00"), t("10:00:40")).map((p) => p.t)).toEqual([
      t("10:00:40"),
      t("10:01:00"),
      t("10:02:00"),
    ]);
  });

  it("reads an ETA given as a time or as seconds left", () => {
    const now = Date.parse("2030-01-01T10:00:00Z");
    expect(formatEta("2030-01-01T10:05:00Z", now)).toBe("≈ 5 min");
    expect(formatEta(30, now)).toBe("menos de 1 min");
    expect(formatEta(3 * 3600 + 600, now)).toBe("≈ 3 h 10 min");
    expect(formatEta(null, now)).toBeNull();
    expect(formatEta("garbage", now)).toBeNull();
  });

  it("finds the variables of a message", () => {
    expect(variablesIn("Oi {{nome}}, {{ cidade|sua cidade }} {Olá|Oi}")).toEqual(["nome", "cidade"]);
  });
});

describe("campaign wizard draft", () => {
  it("blocks each step until it is complete and builds the API body", () => {
    const d = emptyDraft();
    expect(stepProblem(0, d)).toMatch(/nome/);
    d.name = " Promo ";
    d.variants = [{ text: "Oi {{nome}}" }, { text: "" }];
    expect(stepProblem(0, d)).toMatch(/variação vazia/);
    d.variants = [{ text: "Oi {{nome}}" }];
    expect(stepProblem(0, d)).toBeNull();
    expect(stepProblem(1, d)).not.toBeNull();
    d.tags = ["vip"];
    expect(stepProblem(1, d)).toBeNull();
    expect(stepProblem(2, d)).not.toBeNull();
    d.instanceIds = ["i1"];
    d.pacing = { ...d.pacing, min_delay_s: 5, max_delay_s: 1 };
    expect(stepProblem(3, d)).toMatch(/máximo/);
    d.pacing = { ...d.pacing, min_delay_s: 0, max_delay_s: 1, weekdays: [4, 0] };
    expect(stepProblem(3, d)).toBeNull();
    d.scheduleMode = "later";
    d.scheduleLocal = "2000-01-01T10:00";
    expect(stepProblem(4, d)).toMatch(/futuro/);
    d.scheduleMode = "now";
    const body = draftToInput(d);
    expect(body).toMatchObject({
      name: "Promo",
      variants: [{ text: "Oi {{nome}}" }],
      audience: { tags: ["vip"], contact_ids: [] },
      instance_ids: ["i1"],
      schedule_at: null,
    });
    expect(body.pacing.weekdays).toEqual([0, 4]);
  });
});

describe("campaign api normalisation", () => {
  it("reads zone-less bucket minutes as UTC", async () => {
    const { utcTime } = await import("./api");
    expect(utcTime("2030-01-01T10:01")).toBe("2030-01-01T10:01:00Z");
    expect(utcTime("2030-01-01T10:01:30")).toBe("2030-01-01T10:01:30Z");
    expect(utcTime("2030-01-01T10:01:00+00:00")).toBe("2030-01-01T10:01:00+00:00");
  });
});
