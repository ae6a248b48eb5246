import { FormField } from "@/components/FormField";
import { Input } from "@/components/ui/input";

interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** "new-password" shows the rule under the field. */
  autoComplete: "new-password" | "current-password";
  autoFocus?: boolean;
}

/** A password input; a new one says what the server checks (length, then how guessable it is). */
export function PasswordField({ id, label, value, onChange, autoComplete, autoFocus }: PasswordFieldProps) {
  const isNew = autoComplete === "new-password";
  return (
    <FormField
      id={id}
      label={label}
      hint={isNew ? "Mínimo de 8 caracteres. Prefira uma frase com várias palavras." : undefined}
    >
      <Input
        type="password"
        required
        minLength={isNew ? 8 : undefined}
        maxLength={256}
        autoComplete={autoComplete}
        autoFocus={autoFocus}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </FormField>
  );
}
