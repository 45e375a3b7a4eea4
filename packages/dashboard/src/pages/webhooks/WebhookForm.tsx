import { useState, type FormEvent } from 'react';
import type { WebhookInput } from '../../api/webhooks';
import { ErrorNotice, Loading } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { FormActions, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';
import { EventPicker } from './EventPicker';
import { useEventTypes } from './queries';

type FieldName = 'name' | 'url' | 'events' | 'timeoutMs';
const fieldNames: readonly FieldName[] = ['name', 'url', 'events', 'timeoutMs'];

/** The same rules as the server (schemas/webhooks.ts), checked before sending so mistakes show at once. */
function validate(name: string, url: string, events: readonly string[], timeout: string): Partial<Record<FieldName, string>> {
  const problems: Partial<Record<FieldName, string>> = {};
  if (!name.trim()) problems.name = 'Name is required.';
  else if (name.trim().length > 255) problems.name = 'Use at most 255 characters.';
  const link = url.trim();
  if (!link) problems.url = 'URL is required.';
  else if (!/^https?:\/\//i.test(link) || !URL.canParse(link) || !new URL(link).hostname)
    problems.url = 'Use an absolute http or https URL, like https://example.com/webhooks.';
  else if (new URL(link).username || new URL(link).password)
    problems.url = 'Leave out the user name and password: receivers check the signature instead.';
  else if (link.length > 2048) problems.url = 'Use at most 2048 characters.';
  if (events.length === 0) problems.events = 'Choose at least one event type.';
  const seconds = Number(timeout.trim());
  if (timeout.trim() && !(seconds >= 1 && seconds <= 60))
    problems.timeoutMs = 'Enter a number of seconds from 1 to 60, or leave it blank.';
  return problems;
}

/** Create and edit share this form; the caller decides what submitting means. */
export function WebhookForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: WebhookInput;
  submitLabel: string;
  onSubmit: (input: WebhookInput) => Promise<unknown>;
  onCancel: () => void;
}) {
  const eventTypes = useEventTypes();
  const [name, setName] = useState(initial.name);
  const [url, setUrl] = useState(initial.url);
  const [events, setEvents] = useState<string[]>(initial.events);
  const [timeoutSeconds, setTimeoutSeconds] = useState(initial.timeoutMs === null ? '' : String(initial.timeoutMs / 1000));
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // A message goes as soon as its field is edited, so it never contradicts what the field now says.
  const edited = (field: FieldName) => setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current));
  // The form is taller than the dialog: take the keyboard (and the scroll) to the first field that needs fixing.
  const { ref: form, failed } = useFocusFirstError();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(name, url, events, timeoutSeconds);
    setErrors(problems);
    setFormError(undefined);
    if (Object.keys(problems).length > 0) return failed();
    setBusy(true);
    try {
      await onSubmit({ name: name.trim(), url: url.trim(), events, timeoutMs: timeoutSeconds.trim() ? Math.round(Number(timeoutSeconds) * 1000) : null });
    } catch (error) {
      const mapped = placeErrors(error, fieldNames);
      setErrors(mapped.fields);
      setFormError(mapped.form);
      failed();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} onSubmit={submit} noValidate>
      <div className="grid-2">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            edited('name');
          }}
          error={errors.name}
          hint="Only for you, e.g. “Production API”."
          autoFocus
          required
        />
        <TextField
          label="Timeout (seconds)"
          inputMode="numeric"
          value={timeoutSeconds}
          onChange={(e) => {
            setTimeoutSeconds(e.target.value);
            edited('timeoutMs');
          }}
          error={errors.timeoutMs}
          hint="Optional, 1–60. Blank uses the server’s delivery timeout."
        />
      </div>
      <TextField
        label="URL"
        type="url"
        value={url}
        onChange={(e) => {
          setUrl(e.target.value);
          edited('url');
        }}
        error={errors.url}
        placeholder="https://example.com/webhooks/laurel"
        hint="Laurel POSTs each event here as JSON, signed with this webhook’s secret."
        required
      />
      {eventTypes.isPending ? (
        <Loading what="event types" />
      ) : eventTypes.isError ? (
        <ErrorNotice error={eventTypes.error} title="Could not load the event types" onRetry={() => eventTypes.refetch()} />
      ) : (
        <EventPicker
          eventTypes={eventTypes.data}
          value={events}
          onChange={(next) => {
            setEvents(next);
            edited('events');
          }}
          error={errors.events}
        />
      )}
      {formError && <ErrorNotice error={formError} title="The server did not accept this webhook" />}
      <FormActions submitLabel={submitLabel} pending={busy} onCancel={onCancel} />
    </form>
  );
}
