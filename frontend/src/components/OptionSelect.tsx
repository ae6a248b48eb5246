import type { FormControlProps } from "@/components/FormField";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

export interface Option<T extends string> {
  value: T;
  label: string;
}

/** `[{value, label}]` from a map of labels, in the map's order. */
export function optionsFrom<T extends string>(values: readonly T[], labels: Record<T, string>): Option<T>[] {
  return values.map((value) => ({ value, label: labels[value] }));
}

/** A full-width Select over a fixed list; the FormField it sits in labels it. */
export function OptionSelect<T extends string>({
  value,
  onChange,
  options,
  ...control
}: { value: T; onChange: (value: T) => void; options: readonly Option<T>[] } & FormControlProps) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as T)}>
      <SelectTrigger {...control} className="w-full">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {options.map((o) => (
          <SelectItem key={o.value} value={o.value}>
            {o.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
