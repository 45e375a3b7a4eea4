import { InvalidArgumentError } from 'commander';
import { eventTypes, isEventType, type EventType } from '../events/event-types.js';

/** `--events a,b`: known event types, checked before anything is sent; `all` for every type. */
export function parseEventTypes(value: string): EventType[] {
  const given = [...new Set(value.split(',').map((part) => part.trim()).filter(Boolean))];
  if (given.length === 1 && given[0] === 'all') return [...eventTypes];
  if (given.length === 0) throw new InvalidArgumentError('give at least one event type');
  const unknown = given.filter((type) => !isEventType(type));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown event type ${unknown.join(', ')}; expected ${eventTypes.join(', ')}`);
  return given as EventType[];
}

/** One event type, as a command argument. */
export function parseEventType(value: string): EventType {
  if (!isEventType(value)) throw new InvalidArgumentError(`unknown event type; expected one of ${eventTypes.join(', ')}`);
  return value;
}
