import { eventAreas, type EventTypeInfo } from '../../api/webhooks';

/** What marks a type nothing emits yet, wherever event types are listed. */
export const TEST_ONLY = 'test events only';

/** The catalog's event types as the options of a <select>, grouped by area; types nothing emits yet say so. */
export function EventTypeOptions({ eventTypes }: { eventTypes: readonly EventTypeInfo[] }) {
  return eventAreas.map((area) => (
    <optgroup key={area} label={area}>
      {eventTypes
        .filter((e) => e.area === area)
        .map((e) => (
          <option key={e.type} value={e.type}>
            {e.live ? e.type : `${e.type} (${TEST_ONLY})`}
          </option>
        ))}
    </optgroup>
  ));
}
