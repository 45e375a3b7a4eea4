import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Attribute } from '../../../api/config';
import type { Leaderboard, LeaderboardInput, LeaderboardStatus, RankBy, RunUnit } from '../../../api/leaderboards';
import { useEnvironment } from '../../../app/environment';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { Checkbox, clearOnEdit, DescriptionField, FormActions, requiredMessage, SelectField, TextField, WholeNumberField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { usePointsSystems } from '../points/queries';
import { useAttributes, useInvalidate, useMetrics } from '../queries';
import { presetOf, RANK_BY_HINT, RANK_BY_OPTIONS, RUN_PRESETS, STATUS_LABEL, type RunPreset } from './describe';
import { useLeaderboardsApi } from './queries';

const FIELDS = [
  'name',
  'key',
  'description',
  'status',
  'rankBy',
  'metricId',
  'pointsSystemId',
  'maxParticipants',
  'start',
  'end',
  'startTime',
  'endTime',
  'breakdownAttributes',
  'runUnit',
  'runInterval',
] as const;
type Field = (typeof FIELDS)[number];
const ALIASES = [KEY_IN_USE, [/is already used by item/i, 'key']] as const;

/** What a board ranks and how it is split: fixed once it has left inactive (docs/engine.md, What may change when). */
const LOCKED_ONCE_LIVE: readonly Field[] = ['key', 'rankBy', 'metricId', 'pointsSystemId', 'breakdownAttributes', 'runUnit', 'runInterval'];

const STATUS_HINT: Record<LeaderboardStatus, string> = {
  inactive: 'A draft: it ranks nothing and users never see it.',
  scheduled: 'Users see it; it starts ranking by itself on its start date.',
  active: 'Ranks activity from its start date; users see it.',
  finished: 'Stops ranking; its final rankings are kept.',
};

const UNITS: readonly { value: RunUnit; label: string }[] = [
  { value: 'day', label: 'Days' },
  { value: 'month', label: 'Months' },
  { value: 'year', label: 'Years' },
];

interface FormState {
  name: string;
  description: string;
  status: LeaderboardStatus;
  rankBy: RankBy;
  metricId: string;
  pointsSystemId: string;
  start: string;
  end: string;
  runs: RunPreset;
  runUnit: RunUnit;
  runInterval: string;
  startTime: string;
  endTime: string;
  maxParticipants: string;
  breakdownAttributes: string[];
}

/** Today in the browser's calendar: a date that has begun somewhere, so a board starting on it can be active. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function initialState(board: Leaderboard | undefined): FormState {
  return {
    name: board?.name ?? '',
    description: board?.description ?? '',
    status: board?.status ?? 'inactive',
    rankBy: board?.rankBy ?? 'metric',
    metricId: board?.metricId ?? '',
    pointsSystemId: board?.pointsSystemId ?? '',
    start: board?.start ?? today(),
    end: board?.end ?? '',
    runs: presetOf(board?.runUnit, board?.runInterval),
    runUnit: board?.runUnit ?? 'day',
    runInterval: board?.runInterval === undefined ? '' : String(board.runInterval),
    startTime: board?.startTime ?? '',
    endTime: board?.endTime ?? '',
    maxParticipants: String(board?.maxParticipants ?? 1000),
    breakdownAttributes: board?.breakdownAttributes ?? [],
  };
}

function toInput(state: FormState, key: string): LeaderboardInput {
  const input: LeaderboardInput = {
    name: state.name,
    key,
    description: state.description.trim() ? state.description : null,
    status: state.status,
    rankBy: state.rankBy,
    start: state.start,
    end: state.end || null,
    startTime: state.startTime || null,
    endTime: state.endTime || null,
    maxParticipants: state.maxParticipants.trim() === '' ? null : Number(state.maxParticipants),
    breakdownAttributes: state.breakdownAttributes,
  };
  if (state.rankBy === 'metric') input.metricId = state.metricId;
  if (state.rankBy === 'points') input.pointsSystemId = state.pointsSystemId;
  // A streak is a state, not something a run restarts: streak boards have one run.
  const runs = state.rankBy === 'streak' ? 'perpetual' : state.runs;
  if (runs === 'custom') Object.assign(input, { runUnit: state.runUnit, runInterval: Number(state.runInterval) });
  else if (runs === 'perpetual') input.runUnit = null;
  else Object.assign(input, { runUnit: RUN_PRESETS[runs].unit, runInterval: RUN_PRESETS[runs].interval });
  return input;
}

/** An update sends only what changed: a board that has gone live refuses changes to what it ranks, even unchanged ones it did not keep. */
function changesFrom(original: Leaderboard, input: LeaderboardInput): LeaderboardInput {
  const before = toInput(initialState(original), original.key) as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (JSON.stringify(value) !== JSON.stringify(before[field])) changes[field] = value;
  }
  return changes as LeaderboardInput;
}

function checkLocally(state: FormState, key: string): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const name = requiredMessage('Name', state.name);
  if (name) errors.name = name;
  const keyError = keyProblem(key);
  if (keyError) errors.key = keyError;
  if (state.rankBy === 'metric' && !state.metricId) errors.metricId = 'Metric is required: choose the metric to rank by.';
  if (state.rankBy === 'points' && !state.pointsSystemId) errors.pointsSystemId = 'Points system is required: choose the system to rank by.';
  if (!state.start) errors.start = 'Start date is required.';
  if (state.rankBy !== 'streak' && state.runs === 'custom') {
    if (state.runInterval.trim() === '') errors.runInterval = 'Run length is required.';
    else if (!/^[1-9]\d*$/.test(state.runInterval.trim())) errors.runInterval = 'Enter a whole number of at least 1.';
  }
  if (state.maxParticipants.trim() !== '' && !/^\d+$/.test(state.maxParticipants.trim())) errors.maxParticipants = 'Enter a whole number from 1 to 1,000.';
  return errors;
}

/** Creates a leaderboard, or edits one (`board` given). */
export function LeaderboardDialog({ board, onClose }: { board?: Leaderboard; onClose: () => void }) {
  const attributes = useAttributes();
  return (
    <Modal title={board ? `Edit ${board.name}` : 'Create leaderboard'} open onClose={onClose} wide>
      {attributes.data && <LeaderboardForm original={board} attributes={attributes.data} onClose={onClose} />}
    </Modal>
  );
}

function LeaderboardForm({ original, attributes, onClose }: { original: Leaderboard | undefined; attributes: Attribute[]; onClose: () => void }) {
  const { calls } = useLeaderboardsApi();
  const { envPath } = useEnvironment();
  const invalidate = useInvalidate();
  const metrics = useMetrics();
  const systems = usePointsSystems();
  const [state, setState] = useState(() => initialState(original));
  const [suggestedKey, setSuggestedKey] = useSuggestedKey(state.name);
  const [editedKey, setEditedKey] = useState(original?.key ?? '');
  const key = original ? editedKey : suggestedKey;
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: (input: LeaderboardInput) => (original ? calls.update(original.id, input) : calls.create(input)),
    onSuccess: async () => {
      await invalidate('leaderboards');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors<Field>(mutation.error, FIELDS, ALIASES) : undefined;
  const local = checked ? checkLocally(state, key) : {};
  const error = (field: Field) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  const live = original !== undefined && original.status !== 'inactive';
  const locked = (field: Field) => live && LOCKED_ONCE_LIVE.includes(field);
  const startLocked = original !== undefined && (original.status === 'active' || original.status === 'finished');
  const lockedHint = original && `Fixed while the leaderboard is ${STATUS_LABEL[original.status].toLowerCase()}: set it inactive and save to change it.`;

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkLocally(state, key)).length > 0) return failed();
    const input = toInput(state, key);
    if (!original) return mutation.mutate(input);
    const changes = changesFrom(original, input);
    if (Object.keys(changes).length === 0) return onClose();
    mutation.mutate(changes);
  }

  const metricOptions = [{ value: '', label: 'Choose a metric…' }, ...(metrics.data ?? []).map((m) => ({ value: m.id, label: `${m.name} (${m.key})` }))];
  const systemOptions = [{ value: '', label: 'Choose a points system…' }, ...(systems.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.key})` }))];
  const runOptions = (Object.keys(RUN_PRESETS) as RunPreset[]).map((preset) => ({ value: preset, label: RUN_PRESETS[preset].label }));
  const userAttributes = attributes.filter((attribute) => attribute.type === 'user');
  // A breakdown on an attribute deleted since stays listed, so it can be taken off.
  const gone = state.breakdownAttributes.filter((id) => !userAttributes.some((attribute) => attribute.id === id));
  const streak = state.rankBy === 'streak';
  const runsError = state.runs === 'custom' && !streak ? undefined : (error('runUnit') ?? error('runInterval'));
  const toggleBreakdown = (id: string, on: boolean) =>
    set('breakdownAttributes', on ? [...state.breakdownAttributes, id] : state.breakdownAttributes.filter((other) => other !== id));

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <div className="grid-2">
        <TextField label="Name" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={255} autoFocus error={error('name')} />
        <KeyField
          value={key}
          onChange={original ? setEditedKey : setSuggestedKey}
          readOnly={locked('key')}
          error={error('key')}
          hint={
            locked('key') ? (
              lockedHint
            ) : (
              <>
                Letters, digits, - and _. Your app reads the rankings with <code>GET /v1/leaderboards/{key || '{key}'}</code>.
              </>
            )
          }
        />
      </div>

      <div className="grid-2">
        <SelectField
          label="Rank by"
          value={state.rankBy}
          onChange={(e) => set('rankBy', e.target.value as RankBy)}
          options={RANK_BY_OPTIONS}
          disabled={locked('rankBy')}
          error={error('rankBy')}
          hint={locked('rankBy') ? lockedHint : RANK_BY_HINT[state.rankBy]}
        />
        {state.rankBy === 'metric' && (
          <SelectField
            label="Metric"
            value={state.metricId}
            onChange={(e) => set('metricId', e.target.value)}
            options={metricOptions}
            disabled={locked('metricId')}
            error={error('metricId')}
            hint={
              metrics.data?.length === 0 ? (
                <>
                  No metrics yet. <Link to={envPath('metrics')}>Create one on the Metrics page</Link>.
                </>
              ) : undefined
            }
          />
        )}
        {state.rankBy === 'points' && (
          <SelectField
            label="Points system"
            value={state.pointsSystemId}
            onChange={(e) => set('pointsSystemId', e.target.value)}
            options={systemOptions}
            disabled={locked('pointsSystemId')}
            error={error('pointsSystemId')}
            hint={
              systems.data?.length === 0 ? (
                <>
                  No points systems yet. <Link to={envPath('points')}>Create one on the Points page</Link>.
                </>
              ) : undefined
            }
          />
        )}
      </div>

      <div className="grid-2">
        <TextField
          label="Start date"
          type="date"
          value={state.start}
          onChange={(e) => set('start', e.target.value)}
          readOnly={startLocked}
          error={error('start')}
          hint={startLocked ? 'Fixed once the leaderboard has started.' : 'Runs are counted from it, in each user’s own calendar.'}
        />
        <TextField label="End date" type="date" value={state.end} onChange={(e) => set('end', e.target.value)} error={error('end')} hint="Optional, inclusive. Empty: it never ends." />
      </div>

      <div className="grid-2">
        <SelectField
          label="Runs"
          value={streak ? 'perpetual' : state.runs}
          onChange={(e) => set('runs', e.target.value as RunPreset)}
          options={runOptions}
          disabled={streak || locked('runUnit')}
          error={runsError}
          hint={
            streak
              ? 'A streak leaderboard has one run: a streak is a state, not something a run restarts.'
              : locked('runUnit')
                ? lockedHint
                : 'Each run ranks from zero; past runs keep their rankings.'
          }
        />
        {!streak && state.runs === 'custom' && (
          <div className="grid-2">
            <WholeNumberField
              label="Run length"
              min={1}
              value={state.runInterval}
              onChange={(e) => set('runInterval', e.target.value)}
              readOnly={locked('runInterval')}
              error={error('runInterval')}
            />
            <SelectField label="Unit" value={state.runUnit} onChange={(e) => set('runUnit', e.target.value as RunUnit)} options={UNITS} disabled={locked('runUnit')} error={error('runUnit')} />
          </div>
        )}
      </div>

      <fieldset className={error('breakdownAttributes') ? 'field-invalid' : undefined}>
        <legend>Breakdown</legend>
        <p className="field-hint">Optional. A separate ranking for each value of these user attributes (a ranking per city, say).</p>
        {userAttributes.length === 0 && gone.length === 0 ? (
          <p className="field-hint">
            No user attributes are declared. <Link to={envPath('attributes')}>Declare one on the Attributes page</Link> to break rankings down by it.
          </p>
        ) : (
          <div className="checkbox-list">
            {userAttributes.map((attribute) => (
              <Checkbox
                key={attribute.id}
                label={attribute.name}
                hint={attribute.key}
                checked={state.breakdownAttributes.includes(attribute.id)}
                disabled={locked('breakdownAttributes')}
                onChange={(e) => toggleBreakdown(attribute.id, e.target.checked)}
              />
            ))}
            {gone.map((id) => (
              <Checkbox key={id} label="A deleted attribute" hint={id} checked disabled={locked('breakdownAttributes')} onChange={() => toggleBreakdown(id, false)} />
            ))}
          </div>
        )}
        {locked('breakdownAttributes') && <p className="field-hint">{lockedHint}</p>}
        {error('breakdownAttributes') && (
          <div className="field-error" role="alert">
            {error('breakdownAttributes')}
          </div>
        )}
      </fieldset>

      <div className="grid-2">
        <SelectField
          label="Status"
          value={state.status}
          onChange={(e) => set('status', e.target.value as LeaderboardStatus)}
          options={(Object.keys(STATUS_LABEL) as LeaderboardStatus[]).map((status) => ({ value: status, label: STATUS_LABEL[status] }))}
          error={error('status')}
          hint={STATUS_HINT[state.status]}
        />
        <WholeNumberField
          label="Maximum participants"
          min={1}
          max={1000}
          placeholder="1000"
          value={state.maxParticipants}
          onChange={(e) => set('maxParticipants', e.target.value)}
          error={error('maxParticipants')}
          hint="Up to 1,000 per ranking. Once full, a newcomer must beat the lowest score."
        />
      </div>

      <div className="grid-2">
        <TextField
          label="Counts from"
          type="time"
          value={state.startTime}
          onChange={(e) => set('startTime', e.target.value)}
          error={error('startTime')}
          hint="Optional daily window, in each user's local time."
        />
        <TextField
          label="Counts until"
          type="time"
          value={state.endTime}
          onChange={(e) => set('endTime', e.target.value)}
          error={error('endTime')}
          hint="Exclusive; 22:00 to 02:00 wraps past midnight."
        />
      </div>

      <DescriptionField value={state.description} onChange={(description) => set('description', description)} error={error('description')} />

      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Create leaderboard'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
