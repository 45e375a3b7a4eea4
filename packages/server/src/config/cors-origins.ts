/**
 * LAUREL_CORS_ORIGINS: which web origins may call the Application API (/v1) from a browser.
 * `*` (the default: application API keys are safe in a browser, and the key, not the origin, is
 * what authenticates), `off`, or a comma-separated list of origins like
 * `https://app.example.com,http://localhost:5173`. The Admin and console APIs never answer CORS.
 */
export type CorsOrigins = '*' | 'off' | readonly string[];

/** The setting, or a message saying what is wrong with it. */
export function parseCorsOrigins(value: string): CorsOrigins | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '*' || trimmed === 'off') return trimmed;
  const origins = trimmed.split(',').map((part) => part.trim()).filter(Boolean);
  if (origins.length === 0) return { problem: 'must be *, off, or a comma-separated list of origins like https://app.example.com' };
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    // An origin is scheme://host[:port] and nothing else; a browser sends exactly that form.
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      return { problem: `"${origin}" is not an origin like https://app.example.com (scheme, host and port only, no path or trailing slash)` };
    }
  }
  return origins;
}
