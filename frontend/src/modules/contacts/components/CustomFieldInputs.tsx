import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";

import type { FieldDef } from "../types";

/** One input per custom field of the tenant (the contact drawer and the inbox's contact panel). */
export function CustomFieldInputs({
  fields,
  values,
  onChange,
  idPrefix,
}: {
  fields: FieldDef[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  idPrefix: string;
}) {
  return (
    <>
      {fields.map((f) => (
        <FormField id={`${idPrefix}-f-${f.name}`} label={f.label} key={f.name}>
          <Input
            type={f.type === "date" ? "date" : "text"}
            inputMode={f.type === "number" ? "decimal" : undefined}
            value={values[f.name] ?? ""}
            onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
          />
        </FormField>
      ))}
    </>
  );
}
