import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret (CSRF token, set-up token) equals the expected one, in constant time.
 * Both sides are hashed first, so the comparison takes the same time whatever their lengths.
 */
export function secretsMatch(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
