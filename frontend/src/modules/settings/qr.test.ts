import { describe, expect, it } from "vitest";

import { extractQr } from "./qr";

const PNG = "iVBORw0KGgo" + "A".repeat(120);

describe("extractQr", () => {
  it("reads Evolution's connect answer", () => {
    const qr = extractQr({ pairingCode: "WZYEH1YY", code: "2@abc,def", base64: `data:image/png;base64,${PNG}`, count: 1 });
    expect(qr.image).toBe(`data:image/png;base64,${PNG}`);
    expect(qr.code).toBe("2@abc,def");
    expect(qr.pairingCode).toBe("WZYEH1YY");
  });

  it("prefixes bare base64 and reads nested shapes", () => {
    expect(extractQr({ qrcode: { base64: PNG, code: "2@x" } })).toEqual({
      image: `data:image/png;base64,${PNG}`,
      code: "2@x",
      pairingCode: null,
    });
  });

  it("keeps a raw QR payload as code when there is no image", () => {
    expect(extractQr({ qr: "2@raw-payload" })).toEqual({ image: null, code: "2@raw-payload", pairingCode: null });
    expect(extractQr(null)).toEqual({ image: null, code: null, pairingCode: null });
  });
});
