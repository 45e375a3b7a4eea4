import { eventAreas, type EventTypeInfo } from '../../api/webhooks';

/** The catalog's event types as the options of a <select>, grouped by area. */
export function EventTypeOptions({ eventTypes }: { eventTypes: readonly EventTypeInfo[] }) {
  return eventAreas.map((area) => (
    <optgroup key={area} label={area}>
      {eventTypes
        .filter((e) => e.area === area)
        .map((e) => (
          <option key={e.type} value={e.type}>
            {e.type}
          </option>
        ))}
    </optgroup>
  ));
}
