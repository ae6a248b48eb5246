/**
 * Client-side preview of a CSV file: reads only the head of the file, detects the encoding (UTF-8 or
 * Latin-1) and the separator (`,` `;` tab `|`) the way the server does, and parses the first rows.
 */
export interface CsvPreview {
  header: string[];
  rows: string[][];
  delimiter: string;
  encoding: "utf-8" | "latin-1";
}

const HEAD_BYTES = 64 * 1024;
const DELIMITERS = [",", ";", "\t", "|"];

export function decodeHead(bytes: Uint8Array): { text: string; encoding: CsvPreview["encoding"] } {
  try {
    // a multi-byte character cut at the end of the head is not an error
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, safeEnd(bytes)));
    return { text: text.replace(/^\uFEFF/, ""), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("iso-8859-1").decode(bytes), encoding: "latin-1" };
  }
}

function safeEnd(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = bytes[end - i];
    if ((b & 0xc0) === 0xc0) return end - i; // a lead byte whose continuation may be missing
    if ((b & 0xc0) !== 0x80) break;
  }
  return end;
}

export function detectDelimiter(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 10);
  let best = ",";
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => parseLine(l, d).length);
    if (!counts.length || counts[0] < 2) continue;
    const consistent = counts.filter((c) => c === counts[0]).length;
    const score = consistent * 100 + counts[0];
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** RFC 4180 records of a text (quotes, doubled quotes, separators and newlines inside quotes). */
export function parseCsv(text: string, delimiter: string, maxRows = 20): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if ((field || row.length) && rows.length < maxRows) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function parseLine(line: string, delimiter: string): string[] {
  return parseCsv(line, delimiter, 1)[0] ?? [];
}

export async function previewFile(file: File, maxRows = 6): Promise<CsvPreview> {
  const bytes = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const { text, encoding } = decodeHead(bytes);
  const delimiter = detectDelimiter(text);
  const records = parseCsv(text, delimiter, maxRows + 50).filter((r) => r.some((c) => c.trim()));
  const [header = [], ...rest] = records;
  return { header: header.map((h) => h.trim()), rows: rest.slice(0, maxRows), delimiter, encoding };
}

const GUESSES: Record<string, string[]> = {
  phone: ["phone", "telefone", "celular", "whatsapp", "fone", "numero", "mobile", "tel"],
  name: ["name", "nome", "nome completo", "full name", "contato"],
  email: ["email", "e-mail", "mail"],
  tags: ["tags", "etiquetas", "tag", "etiqueta", "grupos"],
  notes: ["notes", "notas", "observacoes", "obs"],
};

export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim()
    .replace(/\s+/g, " ");
}

export function guessMapping(header: string[], fieldNames: string[]): Record<string, string> {
  const used = new Set<string>();
  const mapping: Record<string, string> = {};
  for (const column of header) {
    const f = fold(column);
    let target = "ignore";
    for (const [name, words] of Object.entries(GUESSES)) {
      if (!used.has(name) && words.includes(f)) {
        target = name;
        break;
      }
    }
    const asField = f.replace(/ /g, "_");
    if (target === "ignore" && fieldNames.includes(asField)) target = `field:${asField}`;
    if (target !== "ignore") used.add(target);
    mapping[column] = target;
  }
  return mapping;
}
