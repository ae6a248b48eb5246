import { describe, expect, it } from "vitest";

import type { Message } from "../types";
import { canAct, quoteText } from "./reply";

const base: Message = { id: "m1", conversation_id: "c1", direction: "in", kind: "text", text: "Oi" };

describe("replies and reactions", () => {
  it("acts on WhatsApp messages only, ours once sent", () => {
    expect(canAct(base)).toBe(true);
    expect(canAct({ ...base, kind: "note" })).toBe(false);
    expect(canAct({ ...base, kind: "reaction" })).toBe(false);
    expect(canAct({ ...base, deleted: true })).toBe(false);
    expect(canAct({ ...base, direction: "out", status: "pending" })).toBe(false);
    expect(canAct({ ...base, direction: "out", status: "failed" })).toBe(false);
    expect(canAct({ ...base, direction: "out", status: "delivered" })).toBe(true);
  });

  it("quotes the text, else the caption, else the kind", () => {
    expect(quoteText(base)).toBe("Oi");
    expect(quoteText({ ...base, kind: "image", text: null, media: { caption: "foto do pedido" } })).toBe("foto do pedido");
    expect(quoteText({ ...base, kind: "audio", text: null })).toBe("Áudio");
    expect(quoteText({ ...base, kind: "poll", text: null })).toBe("Mensagem");
  });
});
