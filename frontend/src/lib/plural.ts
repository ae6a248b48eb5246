/** pt-BR plurals: `plural(1, "linha lida", "linhas lidas")` → "1 linha lida"; 0 takes the plural ("0 linhas lidas"). */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString("pt-BR")} ${n === 1 ? one : many}`;
}
