import { Frown, Meh, Smile } from "lucide-react";

import { cn } from "@/lib/utils";

import { moodLabel, type Mood } from "../lib/mood";

const STYLE: Record<Mood, string> = {
  pos: "border-emerald-200 bg-emerald-50 text-emerald-700",
  neu: "border-slate-200 bg-slate-50 text-slate-600",
  neg: "border-red-200 bg-red-50 text-red-700",
};
const ICON = { pos: Smile, neu: Meh, neg: Frown } as const;

/** Sense: the conversation's rolling mood (or one message's label), as a small badge. */
export function MoodBadge({
  mood,
  compact = false,
  className,
  testId = "mood-badge",
}: {
  mood: Mood | null | undefined;
  compact?: boolean;
  className?: string;
  testId?: string;
}) {
  if (!mood) return null;
  const Icon = ICON[mood];
  return (
    <span
      data-testid={testId}
      data-mood={mood}
      title={`Humor: ${moodLabel(mood)}`}
      aria-label={`Humor: ${moodLabel(mood)}`}
      className={cn(
        "inline-flex shrink-0 items-center gap-0.5 rounded-full border px-1.5 text-[10px] leading-4 font-medium",
        STYLE[mood],
        className,
      )}
    >
      <Icon className="size-3" />
      {compact ? null : moodLabel(mood)}
    </span>
  );
}
