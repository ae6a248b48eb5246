/** The time zones and countries Configurações → Empresa offers (the API accepts any IANA zone / ISO country). */
import type { Option } from "@/components/OptionSelect";

export const TIMEZONES: Option<string>[] = [
  { value: "America/Sao_Paulo", label: "Brasília (São Paulo, Rio, Sul, Nordeste) — UTC−3" },
  { value: "America/Manaus", label: "Amazonas (Manaus) — UTC−4" },
  { value: "America/Cuiaba", label: "Mato Grosso (Cuiabá) — UTC−4" },
  { value: "America/Campo_Grande", label: "Mato Grosso do Sul (Campo Grande) — UTC−4" },
  { value: "America/Porto_Velho", label: "Rondônia (Porto Velho) — UTC−4" },
  { value: "America/Boa_Vista", label: "Roraima (Boa Vista) — UTC−4" },
  { value: "America/Rio_Branco", label: "Acre (Rio Branco) — UTC−5" },
  { value: "America/Noronha", label: "Fernando de Noronha — UTC−2" },
  { value: "Europe/Lisbon", label: "Portugal (Lisboa)" },
  { value: "America/Argentina/Buenos_Aires", label: "Argentina (Buenos Aires)" },
  { value: "America/Santiago", label: "Chile (Santiago)" },
  { value: "America/Bogota", label: "Colômbia (Bogotá)" },
  { value: "America/Mexico_City", label: "México (Cidade do México)" },
  { value: "America/New_York", label: "EUA (Nova York)" },
  { value: "UTC", label: "UTC" },
];

export const COUNTRIES: Option<string>[] = [
  { value: "BR", label: "Brasil" },
  { value: "PT", label: "Portugal" },
  { value: "AR", label: "Argentina" },
  { value: "CL", label: "Chile" },
  { value: "CO", label: "Colômbia" },
  { value: "MX", label: "México" },
  { value: "PY", label: "Paraguai" },
  { value: "UY", label: "Uruguai" },
  { value: "US", label: "Estados Unidos" },
];

/** The options, plus the stored value when the list does not have it (set by the API or an operator). */
export function withCurrent(options: Option<string>[], current: string | undefined): Option<string>[] {
  if (!current || options.some((o) => o.value === current)) return options;
  return [{ value: current, label: current }, ...options];
}
