import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Attribute, KeyValue } from '../../../api/config';
import type { PointsBoost, PointsBoostInput, Rounding } from '../../../api/points';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { clearOnEdit, DecimalField, FormActions, problemsOf, requiredMessage, SelectField, TextField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { FilterRows } from '../achievements/FilterRows';
import { useAttributes, useInvalidate } from '../queries';
import { filtersByKey, filtersById, ROUNDING_OPTIONS } from './describe';
import { usePointsApi } from './queries';

const FIELDS = ['name', 'start', 'end', 'multiplier', 'rounding', 'userId', 'userAttributes'] as const;
type Field = (typeof FIELDS)[number];
// "User does not exist" names no field, but it is about the user id.
const ALIASES = [[/user does not exist/i, 'userId']] as const;

type Audience = 'everyone' | 'attributes' | 'user';
const AUDIENCES: readonly { value: Audience; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'attributes', label: 'Users whose attributes match' },
  { value: 'user', label: 'One user' },
];

interface FormState {
  name: string;
  audience: Audience;
  userId: string;
  userAttributes: KeyValue[];
  start: string;
  end: string;
  multiplier: string;
  rounding: Rounding;
}

function initialState(boost: PointsBoost | undefined, attributes: readonly Attribute[]): FormState {
  const filters = filtersByKey(boost?.userAttributes, attributes);
  return {
    name: boost?.name ?? '',
    audience: boost?.userId ? 'user' : filters.length > 0 ? 'attributes' : 'everyone',
    userId: boost?.userId ?? '',
    userAttributes: filters,
    start: boost?.start ?? '',
    end: boost?.end ?? '',
    multiplier: boost === undefined ? '' : String(boost.multiplier),
    rounding: boost?.rounding ?? 'down',
  };
}

function checkLocally(state: FormState, creating: boolean): Partial<Record<Field, string>> {
  return problemsOf({
    name: requiredMessage('Name', state.name),
    start: state.start ? undefined : 'Start date is required.',
    multiplier:
      state.multiplier.trim() === '' ? 'Multiplier is required.' : Number.isFinite(Number(state.multiplier)) ? undefined : 'Enter the multiplier as a number, like 2 or 1.5.',
    userId: creating && state.audience === 'user' ? requiredMessage('User ID', state.userId) : undefined,
    userAttributes: state.audience === 'attributes' && state.userAttributes.length === 0 ? 'Add at least one filter, or choose Everyone.' : undefined,
  });
}

/** Adds a boost to a points system, or edits one; who it is for is fixed once it is one user's. */
export function BoostDialog({ systemId, boost, onClose }: { systemId: string; boost?: PointsBoost; onClose: () => void }) {
  const attributes = useAttributes();
  return (
    <Modal title={boost ? `Edit ${boost.name}` : 'Add boost'} open onClose={onClose} wide>
      {attributes.data && <BoostForm systemId={systemId} original={boost} attributes={attributes.data} onClose={onClose} />}
    </Modal>
  );
}

function BoostForm({ systemId, original, attributes, onClose }: { systemId: string; original: PointsBoost | undefined; attributes: Attribute[]; onClose: () => void }) {
  const { calls } = usePointsApi();
  const invalidate = useInvalidate();
  const [state, setState] = useState(() => initialState(original, attributes));
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));
  const creating = original === undefined;

  const mutation = useMutation({
    mutationFn: (input: PointsBoostInput) => (original ? calls.boosts(systemId).update(original.id, input) : calls.boosts(systemId).create(input)),
    onSuccess: async () => {
      await invalidate('points');
      onClose();
    },
  });
  const server = mutation.error ? placeErrors<Field>(mutation.error, FIELDS, ALIASES) : undefined;
  const local = checked ? checkLocally(state, creating) : {};
  const error = (field: Field) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  function toInput(): PointsBoostInput {
    const input: PointsBoostInput = { name: state.name, start: state.start, end: state.end || null, multiplier: Number(state.multiplier), rounding: state.rounding };
    if (state.audience === 'user') {
      // A user's boost cannot be filtered, and its user is fixed.
      if (creating) input.userId = state.userId.trim();
    } else {
      input.userAttributes = state.audience === 'attributes' ? filtersById(state.userAttributes, attributes, 'user') : creating ? [] : null;
    }
    return input;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkLocally(state, creating)).length > 0) return failed();
    mutation.mutate(toInput());
  }

  // A boost for everyone can become filtered and back; one user's stays that user's.
  const audiences = creating ? AUDIENCES : state.audience === 'user' ? AUDIENCES.filter((a) => a.value === 'user') : AUDIENCES.filter((a) => a.value !== 'user');

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <div className="grid-2">
        <TextField label="Name" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={255} autoFocus error={error('name')} hint="Double XP weekend, Pro bonus." />
        <SelectField
          label="For"
          value={state.audience}
          onChange={(e) => set('audience', e.target.value as Audience)}
          options={audiences}
          disabled={!creating && state.audience === 'user'}
          hint={!creating && state.audience === 'user' ? 'Who a user’s boost is for is fixed: delete it and add another.' : undefined}
        />
      </div>

      {state.audience === 'user' &&
        (creating ? (
          <TextField
            label="User ID"
            value={state.userId}
            onChange={(e) => set('userId', e.target.value)}
            maxLength={255}
            spellCheck={false}
            className="input mono"
            error={error('userId')}
            hint="The user must exist. Their boost follows their own calendar (their time zone)."
          />
        ) : (
          <TextField label="User ID" value={state.userId} readOnly className="input mono" />
        ))}

      {state.audience === 'attributes' && (
        <FilterRows
          type="user"
          legend="User attribute filters"
          hint="Users whose attributes match every filter get the boost."
          rows={state.userAttributes}
          onChange={(rows) => set('userAttributes', rows)}
          attributes={attributes}
          error={error('userAttributes')}
        />
      )}

      <div className="grid-2">
        <TextField label="Start date" type="date" value={state.start} onChange={(e) => set('start', e.target.value)} error={error('start')} hint="In each user's own calendar." />
        <TextField label="End date" type="date" value={state.end} onChange={(e) => set('end', e.target.value)} error={error('end')} hint="Optional, inclusive. Empty: no end." />
      </div>
      <div className="grid-2">
        <DecimalField
          label="Multiplier"
          min={0}
          value={state.multiplier}
          onChange={(e) => set('multiplier', e.target.value)}
          error={error('multiplier')}
          hint="Above 0 and below 100, not 1. Multiplies positive awards; boosts that apply together multiply each other."
        />
        <SelectField
          label="Rounding"
          value={state.rounding}
          onChange={(e) => set('rounding', e.target.value as Rounding)}
          options={ROUNDING_OPTIONS}
          error={error('rounding')}
          hint="Boosts that apply together are rounded once, the most conservative way among them."
        />
      </div>
      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Add boost'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
