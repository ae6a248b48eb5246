import { plural } from "@/lib/plural";

/** Why rows failed, singular and plural: "1 telefone inválido", "2 telefones inválidos". */
const REASONS: Record<string, [string, string]> = {
  invalid_phone: ["telefone inválido", "telefones inválidos"],
  invalid_email: ["e-mail inválido", "e-mails inválidos"],
  invalid_value: ["valor inválido", "valores inválidos"],
  duplicate: ["repetido no arquivo", "repetidos no arquivo"],
  plan_limit: ["acima do limite do plano", "acima do limite do plano"],
};

export function reasonText(code: string, n: number): string {
  const [one, many] = REASONS[code] ?? [code, code];
  return plural(n, one, many);
}

export function liveProgress(processed: number, imported: number, failed: number): string {
  return [
    plural(processed, "linha lida", "linhas lidas"),
    plural(imported, "novo", "novos"),
    plural(failed, "com erro", "com erro"),
  ].join(", ");
}
