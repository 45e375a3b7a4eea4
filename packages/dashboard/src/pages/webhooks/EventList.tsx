/** A webhook's subscribed types as chips, the first few spelled out and the rest counted. */
export function EventList({ events, max }: { events: readonly string[]; max?: number }) {
  const shown = max === undefined ? events : events.slice(0, max);
  const hidden = events.slice(shown.length);
  return (
    <div className="chips">
      {shown.map((event) => (
        <code key={event} className="chip">
          {event}
        </code>
      ))}
      {hidden.length > 0 && (
        <span className="chip chip-more" title={hidden.join('\n')}>
          +{hidden.length} more
        </span>
      )}
    </div>
  );
}
