import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { PointsSystem, PointsSystemInput } from '../../../api/points';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { clearOnEdit, DescriptionField, FormActions, problemsOf, requiredMessage, TextField, WholeNumberField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { BadgeUrlField } from '../badge';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { useInvalidate } from '../queries';
import { usePointsApi } from './queries';

const FIELDS = ['name', 'key', 'description', 'badge', 'maxPoints'] as const;
type Field = (typeof FIELDS)[number];

interface FormState {
  name: string;
  description: string;
  badgeUrl: string;
  maxPoints: string;
}

function toInput(state: FormState): PointsSystemInput {
  return {
    name: state.name,
    description: state.description,
    badge: state.badgeUrl.trim() ? { url: state.badgeUrl.trim() } : null,
    maxPoints: state.maxPoints.trim() === '' ? null : Number(state.maxPoints),
  };
}

/** The server checks ranges and says so; here only what is missing or not a number. */
function checkLocally(state: FormState, key: string | undefined): Partial<Record<Field, string>> {
  return problemsOf({
    name: requiredMessage('Name', state.name),
    key: key === undefined ? undefined : keyProblem(key),
    maxPoints: state.maxPoints.trim() !== '' && !Number.isFinite(Number(state.maxPoints)) ? 'Enter the cap as a whole number, or leave it empty for none.' : undefined,
  });
}

/** Creates a points system (and then opens it: triggers come next), or edits one; the key is fixed once created. */
export function SystemDialog({ system, onClose, onCreated }: { system?: PointsSystem; onClose: () => void; onCreated?: (system: PointsSystem) => void }) {
  return (
    <Modal title={system ? `Edit ${system.name}` : 'Create points system'} open onClose={onClose}>
      <SystemForm original={system} onClose={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function SystemForm({ original, onClose, onCreated }: { original: PointsSystem | undefined; onClose: () => void; onCreated: ((system: PointsSystem) => void) | undefined }) {
  const { calls } = usePointsApi();
  const invalidate = useInvalidate();
  const [state, setState] = useState<FormState>({
    name: original?.name ?? '',
    description: original?.description ?? '',
    badgeUrl: original?.badge?.url ?? '',
    maxPoints: original?.maxPoints == null ? '' : String(original.maxPoints),
  });
  const [key, setKey] = useSuggestedKey(state.name);
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: (input: PointsSystemInput) => (original ? calls.systems.update(original.id, input) : calls.systems.create({ ...input, key })),
    onSuccess: async (saved) => {
      // Leaderboards name the systems they rank.
      await invalidate('points', 'leaderboards');
      if (original || !onCreated) onClose();
      else onCreated(saved);
    },
  });
  const server = mutation.error ? placeErrors<Field>(mutation.error, FIELDS, [KEY_IN_USE]) : undefined;
  const local = checked ? checkLocally(state, original ? undefined : key) : {};
  const error = (field: Field) => local[field] ?? server?.fields[field];
  const { ref, failed } = useFocusFirstError(mutation.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(checkLocally(state, original ? undefined : key)).length > 0) return failed();
    mutation.mutate(toInput(state));
  }

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <TextField label="Name" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={255} autoFocus error={error('name')} hint="XP, coins, energy: what users collect." />
      {original ? (
        <TextField label="Key" value={original.key} readOnly className="input mono" hint={<>Fixed once created: your app reads it with <code>GET /v1/points/{original.key}</code>.</>} />
      ) : (
        <KeyField
          value={key}
          onChange={setKey}
          error={error('key')}
          hint={
            <>
              Letters, digits, - and _. Your app reads the system with <code>GET /v1/points/{key || '{key}'}</code>. It cannot change later.
            </>
          }
        />
      )}
      <WholeNumberField
        label="Maximum points"
        min={1}
        placeholder="No cap"
        value={state.maxPoints}
        onChange={(e) => set('maxPoints', e.target.value)}
        error={error('maxPoints')}
        hint={
          original?.maxPoints != null
            ? 'Optional. Lowering the cap leaves totals above it where they are until a deduction brings them down.'
            : 'Optional. Totals never go above it (awards are cut to fit), nor below 0.'
        }
      />
      <DescriptionField value={state.description} onChange={(description) => set('description', description)} error={error('description')} />
      <BadgeUrlField value={state.badgeUrl} onChange={(url) => set('badgeUrl', url)} error={error('badge')} />
      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Create points system'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
