/** CSV of the reports' tables, built in the browser from what the page shows.
 *
 * Cells that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) get a leading ' (the same
 * rule as the API's exports, domain/csv_cells.py). Excel users get `;` as the separator and dates as
 * dd/mm/aaaa; otherwise `,` and ISO dates. A UTF-8 BOM keeps accents right in Excel. */

const FORMULA = /^[=+\-@\t\r]/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/;

export function safeCell(value: string | number | null | undefined, excel: boolean): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (excel) {
    const m = ISO_DAY.exec(text);
    if (m && text.length <= 30) text = `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}:${m[5]}` : ""}`;
    else if (typeof value === "number" && !Number.isInteger(value)) text = text.replace(".", ",");
  }
  if (FORMULA.test(text)) text = `'${text}`;
  return text;
}

export function toCsv(header: string[], rows: (string | number | null)[][], { excel }: { excel: boolean }): string {
  const sep = excel ? ";" : ",";
  const quote = (cell: string) =>
    cell.includes(sep) || /["\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  const lines = [header, ...rows].map((row) => row.map((c) => quote(safeCell(c, excel))).join(sep));
  return lines.join("\r\n") + "\r\n";
}

export function downloadCsv(name: string, header: string[], rows: (string | number | null)[][], opts: { excel: boolean }) {
  const blob = new Blob(["\ufeff" + toCsv(header, rows, opts)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `${name}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
