import { useState } from 'react';

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
