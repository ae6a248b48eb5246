/** Sense (sentiment of the customers' messages): labels as the inbox shows them. */
export type Mood = "pos" | "neu" | "neg";

const LABELS: Record<Mood, string> = { pos: "Satisfeito", neu: "Neutro", neg: "Insatisfeito" };

export function isMood(value: unknown): value is Mood {
  return value === "pos" || value === "neu" || value === "neg";
}

export function moodLabel(mood: Mood): string {
  return LABELS[mood];
}
