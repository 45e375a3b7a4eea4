import { useEffect, useId, useRef } from 'react';
import { eventAreas, type EventArea, type EventTypeInfo } from '../../api/webhooks';
import { Badge } from '../../ui/misc';
import { TEST_ONLY } from './EventTypeOptions';

const areaTitles: Record<EventArea, string> = {
  achievements: 'Achievements',
  streaks: 'Streaks',
  points: 'Points',
  leaderboards: 'Leaderboards',
  emails: 'Emails',
};

/** The subscription checkboxes: the catalog grouped by area, each type with what it means. */
export function EventPicker({
  eventTypes,
  value,
  onChange,
  error,
}: {
  eventTypes: readonly EventTypeInfo[];
  value: readonly string[];
  onChange: (events: string[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const selected = new Set(value);
  // Keeps the catalog's order whatever order the boxes were ticked in.
  const set = (types: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const type of types) {
      if (on) next.add(type);
      else next.delete(type);
    }
    onChange(eventTypes.map((e) => e.type).filter((type) => next.has(type)));
  };

  return (
    <div className={`field event-picker${error ? ' field-invalid' : ''}`} role="group" aria-labelledby={`${id}-label`} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="spread">
        <span className="field-label" id={`${id}-label`}>
          Events
        </span>
        <span className="muted small" aria-live="polite">
          {value.length} of {eventTypes.length} selected
        </span>
      </div>
      {eventTypes.some((e) => !e.live) && (
        <p className="field-hint" id={`${id}-hint`}>
          Types marked <em>{TEST_ONLY}</em> belong to features Laurel does not have yet: you can subscribe to them, and test events of them
          are sent, but nothing else emits them until the feature lands.
        </p>
      )}
      {error && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
      <div className="event-groups">
        {eventAreas.map((area) => {
          const types = eventTypes.filter((e) => e.area === area);
          if (types.length === 0) return null;
          return <EventGroup key={area} title={areaTitles[area]} types={types} selected={selected} onSet={set} />;
        })}
      </div>
    </div>
  );
}

function EventGroup({
  title,
  types,
  selected,
  onSet,
}: {
  title: string;
  types: readonly EventTypeInfo[];
  selected: ReadonlySet<string>;
  onSet: (types: readonly string[], on: boolean) => void;
}) {
  const id = useId();
  const count = types.filter((t) => selected.has(t.type)).length;
  const all = useRef<HTMLInputElement>(null);
  // "Some but not all" can only be set from script.
  useEffect(() => {
    if (all.current) all.current.indeterminate = count > 0 && count < types.length;
  }, [count, types.length]);

  return (
    <fieldset className="event-group">
      <legend>{title}</legend>
      <label className="checkbox event-select-all">
        <input
          ref={all}
          type="checkbox"
          checked={count === types.length}
          onChange={(event) => onSet(types.map((t) => t.type), event.target.checked)}
          aria-label={`Select all ${title.toLowerCase()} events`}
        />
        <span aria-hidden="true">Select all</span>
      </label>
      {types.map((event, index) => (
        <div className="event-option" key={event.type}>
          <input
            id={`${id}-${index}`}
            type="checkbox"
            checked={selected.has(event.type)}
            onChange={(change) => onSet([event.type], change.target.checked)}
            aria-describedby={`${id}-${index}-description`}
          />
          <label htmlFor={`${id}-${index}`}>
            <code className="event-type">{event.type}</code>
            <span className="event-title">{event.title}</span>
            {!event.live && <Badge tone="warning">{TEST_ONLY}</Badge>}
          </label>
          <div className="event-description" id={`${id}-${index}-description`}>
            {event.description}
          </div>
        </div>
      ))}
    </fieldset>
  );
}
