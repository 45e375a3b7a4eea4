import { ApiError } from '../api/client';
import { errorMessage } from './feedback';

export interface PlacedErrors<F extends string> {
  /** Messages that name a field, to show under it. */
  fields: Partial<Record<F, string>>;
  /** Everything else, for a notice above the form's buttons. */
  form?: string;
}

/**
 * Places a server error next to the fields it is about. The server names the field by its path
 * ("body[0].key: must contain only letters…", "body.freezes.initial: must not exceed max (3)",
 * several joined with "; "), and bulk issues start with the field ("units is required when…").
 * `fields` may be nested paths ("conditions[0].threshold"); a deeper path goes to the longest field
 * it starts with. `aliases` catch messages that name no field ("Key already in use…").
 */
export function placeErrors<F extends string>(error: unknown, fields: readonly F[], aliases: readonly (readonly [RegExp, F])[] = []): PlacedErrors<F> {
  // Network failures and server faults are never about one field.
  if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500) return { fields: {}, form: errorMessage(error) };
  const placed: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const part of error.message.split('; ')) {
    const target = placePart(part, fields, aliases);
    if (!target) rest.push(part);
    else placed[target.field] = placed[target.field] ? `${placed[target.field]}; ${target.message}` : target.message;
  }
  return rest.length > 0 ? { fields: placed, form: rest.join('; ') } : { fields: placed };
}

function placePart<F extends string>(part: string, fields: readonly F[], aliases: readonly (readonly [RegExp, F])[]): { field: F; message: string } | undefined {
  const pathed = /^([\w.[\]]+):\s+(.*)$/s.exec(part);
  if (pathed) {
    // "body[0].userAttributes[1].key" -> "userAttributes[1].key"
    const path = pathed[1]!.replace(/^(body|querystring)/, '').replace(/^\[\d+\]/, '').replace(/^\./, '');
    const field = longestPrefix(path, fields);
    if (field) return { field, message: pathed[2]! };
  }
  const leading = fields.find((field) => part.startsWith(`${field} `));
  if (leading) return { field: leading, message: part };
  const alias = aliases.find(([pattern]) => pattern.test(part));
  return alias ? { field: alias[1], message: part } : undefined;
}

function longestPrefix<F extends string>(path: string, fields: readonly F[]): F | undefined {
  let best: F | undefined;
  for (const field of fields) {
    const matches = path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
    if (matches && (!best || field.length > best.length)) best = field;
  }
  return best;
}
