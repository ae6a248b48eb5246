import { describe, expect, it } from "vitest";

import { safeCell, toCsv } from "./csv";

describe("reports CSV", () => {
  it("neutralises formula cells", () => {
    expect(safeCell("=HYPERLINK(1)", false)).toBe("'=HYPERLINK(1)");
    expect(safeCell("+5511999", false)).toBe("'+5511999");
    expect(safeCell("@SUM(A1)", true)).toBe("'@SUM(A1)");
    expect(safeCell(-1, false)).toBe("'-1");
    expect(safeCell("Vendas", false)).toBe("Vendas");
  });

  it("Excel: semicolons, dd/mm/aaaa dates and decimal commas", () => {
    const csv = toCsv(["dia", "taxa", "nome"], [["2026-12-03", 0.5, "Ana; Bia"]], { excel: true });
    expect(csv).toBe('dia;taxa;nome\r\n03/12/2026;0,5;"Ana; Bia"\r\n');
    expect(toCsv(["dia"], [["2026-12-03"]], { excel: false })).toBe("dia\r\n2026-12-03\r\n");
  });
});
