import type { QrCode } from "./types";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

function asImage(v: string | null): string | null {
  if (!v) return null;
  if (v.startsWith("data:image/")) return v;
  // Bare base64 of a PNG (Evolution's `base64` sometimes comes without the data: prefix).
  if (/^[A-Za-z0-9+/=\s]{100,}$/.test(v)) return `data:image/png;base64,${v.replace(/\s/g, "")}`;
  return null;
}

/**
 * The QR answer in whatever shape the API relays from Evolution:
 * {base64, code, pairingCode}, {qrcode: {base64, code}}, {qr: "..."} or a plain string.
 */
export function extractQr(data: unknown): QrCode {
  if (typeof data === "string") {
    const image = asImage(data.trim());
    return { image, code: image ? null : str(data), pairingCode: null };
  }
  if (!isRecord(data)) return { image: null, code: null, pairingCode: null };
  const nested = isRecord(data.qrcode) ? data.qrcode : isRecord(data.qr) ? data.qr : null;
  const image =
    asImage(str(data.base64)) ??
    asImage(str(nested?.base64)) ??
    asImage(str(data.qrcode)) ??
    asImage(str(data.qr)) ??
    asImage(str(data.image));
  const code = str(data.code) ?? str(nested?.code) ?? (image ? null : (str(data.qr) ?? str(data.qrcode)));
  const pairingCode = str(data.pairingCode) ?? str(data.pairing_code) ?? str(nested?.pairingCode);
  return { image, code, pairingCode };
}
