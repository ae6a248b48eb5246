/** "+55 11 98765-4321", "(11) 98765-4321", "11987654321": at least 10 digits (the API normalises to E.164). */
export function phoneError(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, "");
  if (!raw.trim()) return "Informe o telefone.";
  if (digits.length < 10 || digits.length > 15) return "Informe o telefone com DDD, por exemplo (11) 98765-4321.";
  return undefined;
}
