import { useState, type ReactNode } from 'react';
import { TextField } from '../../ui/form';

/** A key suggested from a name: "First 1,000 words" -> "first-1000-words" (letters, digits, - and _ only). */
function suggestKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/(\d),(?=\d)/g, '$1')
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255);
}

/** The key field follows the name until the person types their own key. */
export function useSuggestedKey(name: string) {
  const [typed, setTyped] = useState<string>();
  return [typed ?? suggestKey(name), setTyped] as const;
}

/** What is wrong with a new key, in words (the server's own message for an empty key quotes its pattern). */
export function keyProblem(key: string): string | undefined {
  if (!key) return 'Key is required.';
  if (key.length > 255) return 'Use at most 255 characters.';
  const bad = /[^A-Za-z0-9_-]/.exec(key)?.[0];
  if (bad === undefined) return undefined;
  return bad === ' ' ? 'Spaces are not allowed in a key: use - or _ instead.' : `“${bad}” is not allowed in a key: use letters, digits, - and _.`;
}

/** For placeErrors: "Key already in use…" names no field, but it is about the key. */
export const KEY_IN_USE = [/key already in use/i, 'key'] as const;

/** The key of a new metric, attribute or achievement: what the API, events and webhooks name it by. */
export function KeyField({
  value,
  onChange,
  readOnly,
  error,
  hint,
}: {
  value: string;
  onChange: (key: string) => void;
  readOnly?: boolean;
  error: string | undefined;
  hint: ReactNode;
}) {
  return (
    <TextField
      label="Key"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      readOnly={readOnly}
      required
      maxLength={255}
      spellCheck={false}
      className="input mono"
      error={error}
      hint={hint}
    />
  );
}
