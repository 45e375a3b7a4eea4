/**
 * HMAC-SHA256, base64 and constant-time comparison on WebCrypto (`globalThis.crypto.subtle`), which
 * Node 20, Deno, Bun, Cloudflare Workers and Next.js's edge runtime all have. One implementation, no
 * `node:` import, so the same code runs everywhere; the price is that verifying is async.
 */

export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();

export function utf8(text: string): Bytes {
  return encoder.encode(text) as Bytes;
}

export function concat(a: Uint8Array, b: Uint8Array): Bytes {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export async function hmacSha256(key: Bytes, data: Bytes): Promise<Bytes> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('WebCrypto is not available (globalThis.crypto.subtle): @laurel/webhooks needs Node 20 or later, or a Web-standard runtime');
  }
  const cryptoKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, data));
}

/** Standard base64 (with `+/=`), what both of Laurel's signature headers use. */
export function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** undefined when `text` is not base64. */
export function base64Decode(text: string): Bytes | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Compares without an early exit, so the time taken does not tell an attacker how many leading
 * bytes of a forged signature were right. Only the length may leak, and a SHA-256 digest's length
 * is public.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
