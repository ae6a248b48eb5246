import { describe, expect, it } from "vitest";

import { thresholdErrors } from "./inboxSettings";

describe("waiting thresholds form", () => {
  it("accepts whole minutes with warn below alert", () => {
    expect(thresholdErrors("5", "15")).toEqual({ warn: null, alert: null });
  });

  it("explains what is wrong, in Portuguese", () => {
    expect(thresholdErrors("0", "15").warn).toMatch(/de 1 a/);
    expect(thresholdErrors("2.5", "15").warn).toMatch(/inteiro/);
    expect(thresholdErrors("", "15").warn).toMatch(/inteiro/);
    expect(thresholdErrors("10", "10").alert).toMatch(/maior/);
    expect(thresholdErrors("5", "99999").alert).toMatch(/de 1 a/);
  });
});
