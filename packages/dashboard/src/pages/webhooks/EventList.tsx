import type { EventTypeInfo } from '../../api/webhooks';
import { TEST_ONLY } from './EventTypeOptions';

/**
 * A webhook's subscribed types as chips, the first few spelled out and the rest counted. With the
 * catalog, a type nothing emits yet says so.
 */
export function EventList({ events, max, eventTypes }: { events: readonly string[]; max?: number; eventTypes?: readonly EventTypeInfo[] | undefined }) {
  const shown = max === undefined ? events : events.slice(0, max);
  const hidden = events.slice(shown.length);
  const testOnly = new Set(eventTypes?.filter((e) => !e.live).map((e) => e.type));
  return (
    <div className="chips">
      {shown.map((event) => (
        <code key={event} className={testOnly.has(event) ? 'chip chip-test-only' : 'chip'} title={testOnly.has(event) ? 'Nothing emits this type yet: only test events of it are sent' : undefined}>
          {event}
          {testOnly.has(event) && <span className="chip-note"> · {TEST_ONLY}</span>}
        </code>
      ))}
      {hidden.length > 0 && (
        <span className="chip chip-more" title={hidden.map((event) => (testOnly.has(event) ? `${event} (${TEST_ONLY})` : event)).join('\n')}>
          +{hidden.length} more
        </span>
      )}
    </div>
  );
}
