import { describe, expect, it } from "vitest";

import { renderSample } from "./components/WhatsAppPreview";

describe("renderSample", () => {
  it("fills variables with the sample contact or their fallback", () => {
    expect(renderSample("Olá {{nome}}, tudo bem?")).toBe("Olá Maria, tudo bem?");
    expect(renderSample("Oi {{ Nome_Completo }}!")).toBe("Oi Maria Souza!");
    expect(renderSample("Oi {{cidade|amigo}}")).toBe("Oi amigo");
    expect(renderSample("Oi {{cidade}} hoje")).toBe("Oi hoje");
  });

  it("takes spintax's first option, nested too", () => {
    expect(renderSample("{Olá|Oi} {{nome}}, {veja {já|agora}|confira}!")).toBe("Olá Maria, veja já!");
  });
});
