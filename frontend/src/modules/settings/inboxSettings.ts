/** Checks of the inbox settings form (the API answers the same rules with a 4xx). */
export const MAX_WAIT_MINUTES = 24 * 60;

function minutesError(raw: string): string | null {
  if (!/^\d+$/.test(raw.trim())) return "Informe um número inteiro de minutos.";
  const n = Number(raw);
  if (n < 1 || n > MAX_WAIT_MINUTES) return `Use de 1 a ${MAX_WAIT_MINUTES} minutos.`;
  return null;
}

export function thresholdErrors(warn: string, alert: string): { warn: string | null; alert: string | null } {
  const w = minutesError(warn);
  const a = minutesError(alert);
  if (!w && !a && Number(warn) >= Number(alert)) {
    return { warn: null, alert: "O tempo de alerta (vermelho) deve ser maior que o de atenção (amarelo)." };
  }
  return { warn: w, alert: a };
}
