import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Attribute, KeyValue } from '../../../api/config';
import type { PointsTrigger, PointsTriggerInput, TimeUnit, TriggerStatus, TriggerType } from '../../../api/points';
import { useEnvironment } from '../../../app/environment';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { Checkbox, clearOnEdit, FormActions, SelectField, WholeNumberField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { periodWord } from '../achievements/describe';
import { FilterRows } from '../achievements/FilterRows';
import { useAchievements, useAttributes, useInvalidate, useMetrics, useStreakSettings } from '../queries';
import { filtersByKey, filtersById, TRIGGER_TYPE_OPTIONS } from './describe';
import { usePointsApi } from './queries';

const FIELDS = [
  'type',
  'points',
  'status',
  'metricId',
  'metricThreshold',
  'eventAttributes',
  'achievementId',
  'streakLength',
  'timeUnit',
  'timeInterval',
  'userAttributes',
  'blockIfOutOfPoints',
] as const;
type Field = (typeof FIELDS)[number];

const STATUS_OPTIONS: readonly { value: TriggerStatus; label: string }[] = [
  { value: 'inactive', label: 'Inactive (draft)' },
  { value: 'active', label: 'Active' },
];

const TIME_UNITS: readonly { value: TimeUnit; label: string }[] = [
  { value: 'hours', label: 'Hours' },
  { value: 'days', label: 'Days (at local midnight)' },
];

interface FormState {
  type: TriggerType;
  points: string;
  status: TriggerStatus;
  metricId: string;
  metricThreshold: string;
  eventAttributes: KeyValue[];
  achievementId: string;
  streakLength: string;
  timeUnit: TimeUnit;
  timeInterval: string;
  userAttributes: KeyValue[];
  blockIfOutOfPoints: boolean;
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value));

function initialState(trigger: PointsTrigger | undefined, attributes: readonly Attribute[]): FormState {
  return {
    type: trigger?.type ?? 'metric',
    points: text(trigger?.points),
    status: trigger?.status ?? 'inactive',
    metricId: trigger?.metricId ?? '',
    metricThreshold: text(trigger?.metricThreshold),
    eventAttributes: filtersByKey(trigger?.eventAttributes, attributes),
    achievementId: trigger?.achievementId ?? '',
    streakLength: text(trigger?.streakLength),
    timeUnit: trigger?.timeUnit ?? 'hours',
    timeInterval: text(trigger?.timeInterval),
    userAttributes: filtersByKey(trigger?.userAttributes, attributes),
    blockIfOutOfPoints: trigger?.blockIfOutOfPoints ?? false,
  };
}

/** The fields the server takes for this type: a field of another type is refused. */
function toInput(state: FormState, attributes: readonly Attribute[]): PointsTriggerInput {
  const input: PointsTriggerInput = {
    points: Number(state.points),
    status: state.status,
    userAttributes: filtersById(state.userAttributes, attributes, 'user'),
    // Only a metric event can be refused for want of points.
    blockIfOutOfPoints: state.type === 'metric' && state.blockIfOutOfPoints,
  };
  if (state.type === 'metric') {
    Object.assign(input, { metricId: state.metricId, metricThreshold: Number(state.metricThreshold), eventAttributes: filtersById(state.eventAttributes, attributes, 'event') });
  }
  if (state.type === 'streak') input.streakLength = Number(state.streakLength);
  if (state.type === 'achievement') input.achievementId = state.achievementId;
  if (state.type === 'time') Object.assign(input, { timeUnit: state.timeUnit, timeInterval: Number(state.timeInterval) });
  return input;
}

/** An update sends only what changed; a new type brings all of its own fields, as the server requires. */
function changesFrom(original: PointsTrigger, attributes: readonly Attribute[], state: FormState): PointsTriggerInput {
  const before = toInput(initialState(original, attributes), attributes) as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(toInput(state, attributes))) {
    if (JSON.stringify(value) !== JSON.stringify(before[field])) changes[field] = value;
  }
  if (state.type !== original.type) changes.type = state.type;
  return changes as PointsTriggerInput;
}

const WHOLE = /^-?\d+$/;
const COUNT = /^[1-9]\d*$/;

/** What is missing or not a number, in words; ranges (points of 0, say) are the server's to explain. */
function checkLocally(state: FormState): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const count = (field: Field, value: string, label: string) => {
    if (value.trim() === '') errors[field] = `${label} is required.`;
    else if (!COUNT.test(value.trim())) errors[field] = 'Enter a whole number of at least 1.';
  };
  if (state.points.trim() === '') errors.points = 'Points is required.';
  else if (!WHOLE.test(state.points.trim())) errors.points = 'Enter a whole number: positive to award, negative to deduct.';
  if (state.type === 'metric') {
    if (!state.metricId) errors.metricId = 'Metric is required: choose the metric to count.';
    count('metricThreshold', state.metricThreshold, 'Amount');
  }
  if (state.type === 'streak') count('streakLength', state.streakLength, 'Streak length');
  if (state.type === 'achievement' && !state.achievementId) errors.achievementId = 'Achievement is required: choose the one that awards the points.';
  if (state.type === 'time') count('timeInterval', state.timeInterval, 'Interval');
  return errors;
}

/** Adds a trigger to a points system, or edits one (`trigger` given). */
export function TriggerDialog({ systemId, trigger, onClose }: { systemId: string; trigger?: PointsTrigger; onClose: () => void }) {
  const attributes = useAttributes();
  return (
    <Modal title={trigger ? 'Edit trigger' : 'Add trigger'} open onClose={onClose} wide>
      {/* Filters are shown by key, so the form starts once the attributes are known. */}
      {attributes.data && <TriggerForm systemId={systemId} original={trigger} attributes={attributes.data} onClose={onClose} />}
    </Modal>
  );
}

function TriggerForm({ systemId, original, attributes, onClose }: { systemId: string; original: PointsTrigger | undefined; attributes: Attribute[]; onClose: () => void }) {
  const { calls } = usePointsApi();
  const { envPath } = useEnvironment();
  const invalidate = useInvalidate();
  const metrics = useMetrics();
  const achievements = useAchievements();
  const streak = useStreakSettings();
  const [state, setState] = useState(() => initialState(original, attributes));
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: (input: PointsTriggerInput) => (original ? calls.triggers(systemId).update(original.id, input) : calls.triggers(systemId).create({ ...input, type: state.type })),
    onSuccess: async () => {
      await invalidate('points');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors<Field>(mutation.error, FIELDS) : undefined;
  const local = checked ? checkLocally(state) : {};
  const error = (field: Field) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);
  const activates = state.status === 'active' && original?.status !== 'active';

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkLocally(state)).length > 0) return failed();
    if (!original) return mutation.mutate(toInput(state, attributes));
    const changes = changesFrom(original, attributes, state);
    if (Object.keys(changes).length === 0) return onClose();
    mutation.mutate(changes);
  }

  const metricOptions = [{ value: '', label: 'Choose a metric…' }, ...(metrics.data ?? []).map((m) => ({ value: m.id, label: `${m.name} (${m.key})` }))];
  const achievementOptions = [{ value: '', label: 'Choose an achievement…' }, ...(achievements.data ?? []).map((a) => ({ value: a.id, label: a.name }))];
  const metric = metrics.data?.find((m) => m.id === state.metricId);
  const typeFixed = original !== undefined && original.status === 'active';

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <div className="grid-2">
        <SelectField
          label="Type"
          value={state.type}
          onChange={(e) => set('type', e.target.value as TriggerType)}
          options={TRIGGER_TYPE_OPTIONS}
          disabled={typeFixed}
          error={error('type')}
          hint={typeFixed ? 'An active trigger keeps its type: set it inactive first to change it.' : 'What earns (or costs) the points.'}
        />
        <WholeNumberField
          label="Points"
          value={state.points}
          onChange={(e) => set('points', e.target.value)}
          error={error('points')}
          hint="Each time it fires. Negative points deduct; a total never goes below 0."
        />
      </div>

      {state.type === 'metric' && (
        <>
          <div className="grid-2">
            <SelectField
              label="Metric"
              value={state.metricId}
              onChange={(e) => set('metricId', e.target.value)}
              options={metricOptions}
              error={error('metricId')}
              hint={
                metrics.data?.length === 0 ? (
                  <>
                    No metrics yet. <Link to={envPath('metrics')}>Create one on the Metrics page</Link>.
                  </>
                ) : undefined
              }
            />
            <WholeNumberField
              label="Amount"
              min={1}
              value={state.metricThreshold}
              onChange={(e) => set('metricThreshold', e.target.value)}
              error={error('metricThreshold')}
              hint={`Fires once for every this many${metric?.units ? ` ${metric.units}` : ''} of the user's events. Negative events never earn twice.`}
            />
          </div>
          <FilterRows
            type="event"
            legend="Event attribute filters"
            hint="Optional. Only events whose attributes match every filter count."
            rows={state.eventAttributes}
            onChange={(rows) => set('eventAttributes', rows)}
            attributes={attributes}
            error={error('eventAttributes')}
          />
          <Checkbox
            label="Refuse the event when the user is out of points"
            hint="For negative points: a metric event whose deduction would take the total below 0 is refused (400) and nothing of it is recorded."
            checked={state.blockIfOutOfPoints}
            onChange={(e) => set('blockIfOutOfPoints', e.target.checked)}
          />
        </>
      )}

      {state.type === 'streak' && (
        <div className="grid-2">
          <WholeNumberField
            label="Streak length"
            min={1}
            value={state.streakLength}
            onChange={(e) => set('streakLength', e.target.value)}
            error={error('streakLength')}
            hint={`Fires each time the streak reaches a multiple of this many ${periodWord(streak.data?.frequency, 2)} (7, 14, 21…).`}
          />
        </div>
      )}

      {state.type === 'achievement' && (
        <SelectField
          label="Achievement"
          value={state.achievementId}
          onChange={(e) => set('achievementId', e.target.value)}
          options={achievementOptions}
          error={error('achievementId')}
          hint="Fires when the user completes it."
        />
      )}

      {state.type === 'time' && (
        <div className="grid-2">
          <WholeNumberField
            label="Interval"
            min={1}
            value={state.timeInterval}
            onChange={(e) => set('timeInterval', e.target.value)}
            error={error('timeInterval')}
            hint="Counted from the user's creation or the trigger's activation, whichever is later."
          />
          <SelectField label="Unit" value={state.timeUnit} onChange={(e) => set('timeUnit', e.target.value as TimeUnit)} options={TIME_UNITS} error={error('timeUnit')} />
        </div>
      )}

      {state.type === 'user_creation' && (
        <Notice kind="info">
          <span>Fires once for each user, when the user is created.</span>
        </Notice>
      )}

      <FilterRows
        type="user"
        legend="User attribute filters"
        hint="Optional. Only users whose attributes match every filter earn from this trigger."
        rows={state.userAttributes}
        onChange={(rows) => set('userAttributes', rows)}
        attributes={attributes}
        error={error('userAttributes')}
      />

      <SelectField
        label="Status"
        value={state.status}
        onChange={(e) => set('status', e.target.value as TriggerStatus)}
        options={STATUS_OPTIONS}
        error={error('status')}
        hint={state.status === 'active' ? 'Fires for every user it applies to.' : 'A draft: it fires for nobody.'}
      />
      {activates && (
        <Notice kind="info">
          <span data-testid="trigger-counts-from-now">
            Counting starts when you save: metric progress and time schedules start afresh, and nothing earlier is paid.
          </span>
        </Notice>
      )}

      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Add trigger'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
