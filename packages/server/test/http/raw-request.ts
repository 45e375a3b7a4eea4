/** A raw request with exactly these headers, for the content-type and body-size cases `laurel.api` can't express. */
import type { ApiResponse } from '../support/assert-error.js';
import type { TestLaurel } from '../support/laurel.js';

export async function rawRequest(
  laurel: TestLaurel,
  options: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'; url: string; headers?: Record<string, string>; payload?: string | Buffer },
): Promise<ApiResponse> {
  const response = await laurel.app!.inject({
    method: options.method,
    url: options.url,
    headers: { 'x-api-key': laurel.keys.development, ...options.headers },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
  });
  let body: unknown = response.body;
  try {
    body = JSON.parse(response.body);
  } catch {}
  return { status: response.statusCode, body };
}
