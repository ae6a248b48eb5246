import { describe, expect, it } from "vitest";

import { visibleTo, PRODUCT_NAV, SETTINGS_NAV } from "@/components/layout/nav";
import { planBadge, planLabel, roleLabel } from "@/modules/auth/types";
import { phoneError } from "@/modules/contacts/lib/phone";
import { liveProgress, reasonText } from "@/modules/contacts/lib/importText";
import { normalizeShortcut, SHORTCUT } from "@/modules/settings/quickReplies";

import { plural } from "./plural";
import { validationMessage } from "./validation";

describe("pt-BR everywhere", () => {
  it("pluralises", () => {
    expect(plural(1, "linha lida", "linhas lidas")).toBe("1 linha lida");
    expect(plural(0, "linha lida", "linhas lidas")).toBe("0 linhas lidas");
    expect(reasonText("invalid_phone", 2)).toBe("2 telefones inválidos");
    expect(reasonText("invalid_phone", 1)).toBe("1 telefone inválido");
    expect(liveProgress(1, 1, 0)).toBe("1 linha lida, 1 novo, 0 com erro");
    expect(plural(1500, "contato", "contatos")).toBe("1.500 contatos");
  });

  it("names roles and plans as the product does", () => {
    expect(roleLabel("manager")).toBe("Gerente");
    expect(roleLabel("agent")).toBe("Atendente");
    expect(planLabel("starter")).toBe("Starter");
    expect(planLabel("api_only")).toBe("API Only");
    expect(planBadge({ name: "starter", title: "Starter", status: "trialing", trial_ends_at: null, add_ons: [] },
      "starter")).toBe("Starter (teste)");
    expect(planBadge(null, "professional")).toBe("Professional");
  });

  it("writes its own validation messages", () => {
    expect(validationMessage({ valueMissing: true }, { tagName: "INPUT" })).toBe("Preencha este campo.");
    expect(validationMessage({ valueMissing: true }, { tagName: "SELECT" })).toBe("Escolha uma opção.");
    expect(validationMessage({ typeMismatch: true }, { tagName: "INPUT", type: "email" })).toContain("e-mail válido");
    expect(validationMessage({ tooLong: true }, { tagName: "INPUT", maxLength: 60 })).toBe("Use no máximo 60 caracteres.");
    expect(phoneError("")).toBe("Informe o telefone.");
    expect(phoneError("1234")).toContain("DDD");
    expect(phoneError("(11) 98765-4321")).toBeUndefined();
  });
});

describe("menus by role", () => {
  const labels = (items: { label: string }[]) => items.map((i) => i.label);
  it("an agent sees no Campanhas nor admin settings", () => {
    expect(labels(visibleTo(PRODUCT_NAV, "agent"))).toEqual(["Flow Chat", "Contatos"]);
    expect(labels(visibleTo(SETTINGS_NAV, "agent"))).toEqual(["Meu perfil", "Sobre"]);
  });
  it("a manager sees campaigns and quick replies", () => {
    expect(labels(visibleTo(PRODUCT_NAV, "manager"))).toContain("Campanhas");
    expect(labels(visibleTo(SETTINGS_NAV, "manager"))).toEqual(["Respostas rápidas", "Meu perfil", "Sobre"]);
  });
});

describe("quick reply shortcuts", () => {
  it("are keyed without slash, case or spaces", () => {
    expect(normalizeShortcut("/Boas Vindas")).toBe("boas-vindas");
    expect(SHORTCUT.test("promoção.natal")).toBe(true);
    expect(SHORTCUT.test("")).toBe(false);
  });
});
