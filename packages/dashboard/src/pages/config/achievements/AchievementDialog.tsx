import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Achievement, AchievementInput, AchievementStatus, KeyValue, Metric, Trigger } from '../../../api/config';
import { useEnvironment } from '../../../app/environment';
import { Modal } from '../../../ui/dialog';
import { ErrorNotice, Loading, Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { Checkbox, clearOnEdit, DecimalField, DescriptionField, FormActions, requiredMessage, SelectField, TextField, WholeNumberField } from '../../../ui/form';
import { Badge } from '../../../ui/misc';
import { placeErrors } from '../../../ui/server-errors';
import { BadgeUrlField } from '../badge';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { useAchievements, useAttributes, useConfigApi, useInvalidate, useMetrics, useStreakSettings } from '../queries';
import { BackdateWarning } from './BackdateWarning';
import { allowedStatuses, periodWord, STATUS_LABEL, STATUS_TONE, TRIGGERS } from './describe';
import { FilterRows } from './FilterRows';

type Field =
  | 'name'
  | 'key'
  | 'trigger'
  | 'status'
  | 'description'
  | 'badgeUrl'
  | 'metricKey'
  | 'metricValue'
  | 'eventAttributes'
  | 'streakLength'
  | 'achievementIds'
  | 'anniversaryYears'
  | 'userAttributes';

const COMMON: Field[] = ['name', 'key', 'trigger', 'status', 'description', 'badgeUrl', 'userAttributes'];
// Only the fields on screen take errors; anything else is said above the buttons.
const FIELDS_OF: Record<Trigger, Field[]> = {
  metric: [...COMMON, 'metricKey', 'metricValue', 'eventAttributes'],
  streak: [...COMMON, 'streakLength'],
  api: COMMON,
  achievement: [...COMMON, 'achievementIds'],
  anniversary: [...COMMON, 'anniversaryYears'],
};
const ALIASES = [KEY_IN_USE, [/^metric(Key|Id)\b|^Metric not found/i, 'metricKey']] as const;
const RULE_FIELDS = ['metricKey', 'metricValue', 'streakLength', 'achievementIds', 'anniversaryYears', 'userAttributes', 'eventAttributes'] as const;

const STATUS_OPTION: Record<AchievementStatus, string> = { inactive: 'Inactive (draft)', active: 'Active', locked: 'Locked' };

interface FormState {
  name: string;
  trigger: Trigger;
  status: AchievementStatus;
  description: string;
  badgeUrl: string;
  /** By key: what the API accepts, and what a person (or a test) recognises in the list. */
  metricKey: string;
  metricValue: string;
  streakLength: string;
  achievementIds: string[];
  anniversaryYears: string;
  userAttributes: KeyValue[];
  eventAttributes: KeyValue[];
}

function initialState(achievement: Achievement | undefined, metrics: readonly Metric[]): FormState {
  return {
    name: achievement?.name ?? '',
    trigger: achievement?.trigger ?? 'metric',
    status: achievement?.status ?? 'inactive',
    description: achievement?.description ?? '',
    badgeUrl: achievement?.badgeUrl ?? '',
    metricKey: metrics.find((metric) => metric.id === achievement?.metricId)?.key ?? '',
    metricValue: achievement?.metricValue === undefined ? '' : String(achievement.metricValue),
    streakLength: achievement?.streakLength === undefined ? '' : String(achievement.streakLength),
    achievementIds: achievement?.achievementIds ?? [],
    anniversaryYears: achievement?.anniversaryYears === undefined ? '' : String(achievement.anniversaryYears),
    userAttributes: achievement?.userAttributes ?? [],
    eventAttributes: achievement?.eventAttributes ?? [],
  };
}

/** The fields the server takes for this trigger (a field of another trigger is refused). */
function toInput(state: FormState): AchievementInput {
  const input: AchievementInput = {
    name: state.name,
    status: state.status,
    description: state.description.trim() === '' ? null : state.description,
    badgeUrl: state.badgeUrl.trim() === '' ? null : state.badgeUrl.trim(),
    userAttributes: state.userAttributes,
  };
  if (state.trigger === 'metric') Object.assign(input, { metricKey: state.metricKey, metricValue: Number(state.metricValue), eventAttributes: state.eventAttributes });
  if (state.trigger === 'streak') input.streakLength = Number(state.streakLength);
  if (state.trigger === 'achievement') input.achievementIds = state.achievementIds;
  if (state.trigger === 'anniversary') input.anniversaryYears = Number(state.anniversaryYears);
  return input;
}

/** An update sends only what changed, so an unchanged rule is not re-evaluated. */
function changesFrom(original: Achievement, metrics: readonly Metric[], input: AchievementInput): AchievementInput {
  const before: AchievementInput = toInput(initialState(original, metrics));
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (JSON.stringify(value) !== JSON.stringify(before[field as keyof AchievementInput])) changes[field] = value;
  }
  return changes as AchievementInput;
}

/** What the server would refuse, said in words before sending; `key` only when creating. */
function checkLocally(state: FormState, key: string | undefined): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const name = requiredMessage('Name', state.name);
  if (name) errors.name = name;
  const keyError = key === undefined ? undefined : keyProblem(key);
  if (keyError) errors.key = keyError;
  if (state.trigger === 'metric') {
    if (!state.metricKey) errors.metricKey = 'Metric is required: choose the metric to count.';
    if (state.metricValue.trim() === '') errors.metricValue = 'Threshold is required.';
    else if (!Number.isFinite(Number(state.metricValue))) errors.metricValue = 'Enter the threshold as a number.';
  }
  if (state.trigger === 'streak') {
    if (state.streakLength.trim() === '') errors.streakLength = 'Streak length is required.';
    else if (!/^[1-9]\d*$/.test(state.streakLength.trim())) errors.streakLength = 'Enter a whole number of at least 1.';
  }
  if (state.trigger === 'achievement' && state.achievementIds.length === 0) errors.achievementIds = 'Choose at least one achievement.';
  if (state.trigger === 'anniversary') {
    if (state.anniversaryYears.trim() === '') errors.anniversaryYears = 'Years is required.';
    else if (!/^[1-9]\d*$/.test(state.anniversaryYears.trim())) errors.anniversaryYears = 'Enter a whole number of at least 1.';
  }
  return errors;
}

/** Creates an achievement, or edits one (`achievement` given): key and trigger are fixed once created. */
export function AchievementDialog({ achievement, onClose }: { achievement?: Achievement; onClose: () => void }) {
  return (
    <Modal title={achievement ? `Edit ${achievement.name}` : 'Create achievement'} open onClose={onClose} wide>
      <WithMetrics>{(metrics) => <AchievementForm original={achievement} metrics={metrics} onClose={onClose} />}</WithMetrics>
    </Modal>
  );
}

/** The form starts from the metrics list: it names an achievement's metric by key. */
function WithMetrics({ children }: { children: (metrics: Metric[]) => ReactNode }) {
  const metrics = useMetrics();
  if (metrics.isPending) return <Loading what="metrics" />;
  if (metrics.isError) return <ErrorNotice error={metrics.error} title="Could not load metrics" onRetry={() => metrics.refetch()} />;
  return children(metrics.data);
}

function AchievementForm({ original, metrics, onClose }: { original: Achievement | undefined; metrics: Metric[]; onClose: () => void }) {
  const { calls } = useConfigApi();
  const { envPath } = useEnvironment();
  const invalidate = useInvalidate();
  const attributes = useAttributes();
  const achievements = useAchievements();
  const streak = useStreakSettings();
  const [state, setState] = useState(() => initialState(original, metrics));
  const [key, setKey] = useSuggestedKey(state.name);
  // Checked on submit, then again on every change, so a message goes as soon as it is fixed.
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: async (input: AchievementInput) => {
      if (!original) return calls.achievements.create({ ...input, key: key, trigger: state.trigger });
      return calls.achievements.update(original.id, input);
    },
    onSuccess: async () => {
      await invalidate('achievements', 'users');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors<Field>(mutation.error, FIELDS_OF[state.trigger], ALIASES) : undefined;
  const local = checked ? checkLocally(state, original ? undefined : key) : {};
  const error = (field: Field) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  const input = toInput(state);
  const changes = original ? changesFrom(original, metrics, input) : input;
  const goesLive = state.status === 'active' && original?.status !== 'active';
  const ruleChanged = original !== undefined && original.status !== 'inactive' && RULE_FIELDS.some((field) => field in changes);

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkLocally(state, original ? undefined : key)).length > 0) return failed();
    if (original && Object.keys(changes).length === 0) return onClose();
    mutation.mutate(changes);
  }

  const metricOptions = [{ value: '', label: 'Choose a metric…' }, ...metrics.map((m) => ({ value: m.key, label: `${m.name} (${m.key})` }))];
  const chosenMetric = metrics.find((m) => m.key === state.metricKey);
  const others = (achievements.data ?? []).filter((a) => a.id !== original?.id);
  const frequency = streak.data?.frequency;

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <div className="grid-2">
        <TextField label="Name" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={255} autoFocus error={error('name')} />
        <KeyField
          value={original ? (original.key ?? '') : key}
          onChange={setKey}
          readOnly={Boolean(original)}
          error={error('key')}
          hint={original ? 'Fixed once created.' : 'Letters, digits, - and _. Webhooks and the API name it by this key.'}
        />
      </div>

      <div className="grid-2">
        <SelectField
          label="Trigger"
          value={state.trigger}
          onChange={(e) => set('trigger', e.target.value as Trigger)}
          options={TRIGGERS}
          disabled={Boolean(original)}
          error={error('trigger')}
          hint={original ? 'The trigger is fixed once created.' : 'What completes the achievement for a user.'}
        />
        <SelectField
          label="Status"
          value={state.status}
          onChange={(e) => set('status', e.target.value as AchievementStatus)}
          options={allowedStatuses(original?.status).map((status) => ({ value: status, label: STATUS_OPTION[status] }))}
          error={error('status')}
          hint={
            state.status === 'inactive'
              ? 'A draft: not evaluated, nobody can complete it yet.'
              : state.status === 'locked'
                ? 'No new completions; users who hold it keep it.'
                : 'Evaluated on every event and listed by GET /v1/achievements.'
          }
        />
      </div>

      {state.trigger === 'metric' && (
        <>
          <div className="grid-2">
            <SelectField
              label="Metric"
              value={state.metricKey}
              onChange={(e) => set('metricKey', e.target.value)}
              options={metricOptions}
              error={error('metricKey')}
              hint={
                metrics.length === 0 ? (
                  <>
                    No metrics yet. <Link to={envPath('metrics')}>Create one on the Metrics page</Link>.
                  </>
                ) : undefined
              }
            />
            <DecimalField
              label="Threshold"
              value={state.metricValue}
              onChange={(e) => set('metricValue', e.target.value)}
              error={error('metricValue')}
              hint={`Completes when the user's total reaches this value${chosenMetric?.units ? ` (in ${chosenMetric.units})` : ''}.`}
            />
          </div>
          <FilterRows
            type="event"
            legend="Event attribute filters"
            hint="Optional. Only events whose attributes match every filter count towards the threshold, including events sent before this achievement existed."
            rows={state.eventAttributes}
            onChange={(rows) => set('eventAttributes', rows)}
            attributes={attributes.data ?? []}
            error={error('eventAttributes')}
          />
        </>
      )}

      {state.trigger === 'streak' && (
        <>
          <div className="grid-2">
            <WholeNumberField
              label="Streak length"
              min={1}
              value={state.streakLength}
              onChange={(e) => set('streakLength', e.target.value)}
              error={error('streakLength')}
              hint={`Completes when the user's current streak reaches this many ${periodWord(frequency, 2)}.`}
            />
          </div>
          {streak.data && !streak.data.enabled && (
            <Notice kind="info">
              <span>
                Streaks are off in this environment, so this cannot complete yet. <Link to={envPath('streaks')}>Set up streaks</Link>.
              </span>
            </Notice>
          )}
        </>
      )}

      {state.trigger === 'anniversary' && (
        <div className="grid-2">
          <WholeNumberField
            label="Years after signing up"
            min={1}
            value={state.anniversaryYears}
            onChange={(e) => set('anniversaryYears', e.target.value)}
            error={error('anniversaryYears')}
            hint="Completes on that anniversary of the user's signUpDate, at the start of the day in their time zone. Users without a signUpDate never complete it."
          />
        </div>
      )}

      {state.trigger === 'api' && (
        <Notice kind="info">
          <span>
            Your backend completes it for a user with <code>POST /v1/achievements/{original?.key ?? (key || '{key}')}/complete</code>. It is never
            backdated.
          </span>
        </Notice>
      )}

      {state.trigger === 'achievement' && (
        <fieldset className={error('achievementIds') ? 'field-invalid' : undefined}>
          <legend>Required achievements</legend>
          <p className="field-hint">Completes as soon as the user holds every achievement chosen here.</p>
          {others.length === 0 ? (
            <p className="field-hint">There are no other achievements to combine yet.</p>
          ) : (
            <div className="checkbox-list">
              {others.map((other) => (
                <Checkbox
                  key={other.id}
                  label={
                    <>
                      {other.name} <Badge tone={STATUS_TONE[other.status]}>{STATUS_LABEL[other.status]}</Badge>
                    </>
                  }
                  hint={other.key}
                  checked={state.achievementIds.includes(other.id)}
                  onChange={(e) =>
                    set('achievementIds', e.target.checked ? [...state.achievementIds, other.id] : state.achievementIds.filter((id) => id !== other.id))
                  }
                />
              ))}
            </div>
          )}
          {error('achievementIds') && (
            <div className="field-error" role="alert">
              {error('achievementIds')}
            </div>
          )}
        </fieldset>
      )}

      <FilterRows
        type="user"
        legend="User attribute filters"
        hint="Optional. Only users whose attributes match every filter can complete it."
        rows={state.userAttributes}
        onChange={(rows) => set('userAttributes', rows)}
        attributes={attributes.data ?? []}
        error={error('userAttributes')}
      />

      <div className="grid-2">
        <DescriptionField value={state.description} onChange={(description) => set('description', description)} error={error('description')} />
        <BadgeUrlField value={state.badgeUrl} onChange={(url) => set('badgeUrl', url)} error={error('badgeUrl')} />
      </div>

      {goesLive ? <BackdateWarning trigger={state.trigger} reason="activate" /> : ruleChanged && <BackdateWarning trigger={state.trigger} reason="rule" />}

      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Create achievement'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
