/** A fieldset of checkboxes: each option's label, and its machine name beside it (scopes, event types). */
export interface Choice {
  value: string;
  label: string;
}

export function ChoiceList({
  legend,
  options,
  chosen,
  onChange,
}: {
  legend: string;
  options: Choice[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-primary"
            checked={chosen.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
          />
          <span>{o.label}</span>
          <code className="text-muted-foreground text-xs">{o.value}</code>
        </label>
      ))}
    </fieldset>
  );
}
