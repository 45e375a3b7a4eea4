import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { PointsLevel, PointsLevelInput } from '../../../api/points';
import { Modal } from '../../../ui/dialog';
import { Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { clearOnEdit, DescriptionField, FormActions, problemsOf, requiredMessage, TextField, WholeNumberField } from '../../../ui/form';
import { placeErrors } from '../../../ui/server-errors';
import { BadgeUrlField } from '../badge';
import { KEY_IN_USE, KeyField, keyProblem, useSuggestedKey } from '../key';
import { useInvalidate } from '../queries';
import { usePointsApi } from './queries';

const FIELDS = ['name', 'key', 'points', 'description', 'badge'] as const;
type Field = (typeof FIELDS)[number];

interface FormState {
  name: string;
  points: string;
  description: string;
  badgeUrl: string;
}

function checkLocally(state: FormState, key: string | undefined): Partial<Record<Field, string>> {
  return problemsOf({
    name: requiredMessage('Name', state.name),
    key: key === undefined ? undefined : keyProblem(key),
    points: state.points.trim() === '' ? 'Points is required: the total from which a user holds this level.' : /^\d+$/.test(state.points.trim()) ? undefined : 'Enter a whole number of 0 or more.',
  });
}

/** Adds a level to a points system, or edits one; the key is fixed once created. */
export function LevelDialog({ systemId, level, onClose }: { systemId: string; level?: PointsLevel; onClose: () => void }) {
  return (
    <Modal title={level ? `Edit ${level.name}` : 'Add level'} open onClose={onClose}>
      <LevelForm systemId={systemId} original={level} onClose={onClose} />
    </Modal>
  );
}

function LevelForm({ systemId, original, onClose }: { systemId: string; original: PointsLevel | undefined; onClose: () => void }) {
  const { calls } = usePointsApi();
  const invalidate = useInvalidate();
  const [state, setState] = useState<FormState>({
    name: original?.name ?? '',
    points: original === undefined ? '' : String(original.points),
    description: original?.description ?? '',
    badgeUrl: original?.badge?.url ?? '',
  });
  const [key, setKey] = useSuggestedKey(state.name);
  const [checked, setChecked] = useState(false);
  const set = <K extends keyof FormState>(field: K, value: FormState[K]) => setState((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: (input: PointsLevelInput) => (original ? calls.levels(systemId).update(original.id, input) : calls.levels(systemId).create({ ...input, key })),
    onSuccess: async () => {
      // A user's level follows the thresholds: user pages change too.
      await invalidate('points', 'users');
      onClose();
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
    mutation.mutate({
      name: state.name,
      points: Number(state.points),
      description: state.description,
      badge: state.badgeUrl.trim() ? { url: state.badgeUrl.trim() } : null,
    });
  }

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate>
      <div className="grid-2">
        <TextField label="Name" value={state.name} onChange={(e) => set('name', e.target.value)} required maxLength={255} autoFocus error={error('name')} />
        {original ? (
          <TextField label="Key" value={original.key} readOnly className="input mono" hint="Fixed once created." />
        ) : (
          <KeyField value={key} onChange={setKey} error={error('key')} hint="Letters, digits, - and _, unique in this system. It cannot change later." />
        )}
      </div>
      <WholeNumberField
        label="Points"
        min={0}
        value={state.points}
        onChange={(e) => set('points', e.target.value)}
        error={error('points')}
        hint="A user holds the highest level whose points their total has reached; a level at 0 holds from the start."
      />
      <DescriptionField value={state.description} onChange={(description) => set('description', description)} error={error('description')} />
      <BadgeUrlField value={state.badgeUrl} onChange={(url) => set('badgeUrl', url)} error={error('badge')} />
      {original && (
        <Notice kind="info">
          <span>A new threshold moves nobody at once: reads show the level it gives, and the webhook follows at the user's next points change.</span>
        </Notice>
      )}
      {server?.form && <Notice kind="error">{server.form}</Notice>}
      <FormActions submitLabel={original ? 'Save changes' : 'Add level'} pending={mutation.isPending} onCancel={onClose} />
    </form>
  );
}
