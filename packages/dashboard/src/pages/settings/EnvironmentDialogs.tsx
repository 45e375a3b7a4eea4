import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { consoleApi, type Environment, type EnvironmentKind } from '../../api/console';
import { Modal } from '../../ui/dialog';
import { ErrorNotice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { clearOnEdit, FormActions, SelectField, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NAME_RULE = '1–63 lowercase letters, digits and dashes, starting with a letter or digit.';
const kinds = [
  { value: 'development', label: 'Development' },
  { value: 'staging', label: 'Staging' },
  { value: 'production', label: 'Production' },
];

/** Says what is wrong rather than repeating the rule shown under the field. */
function nameProblem(name: string): string | undefined {
  if (NAME_PATTERN.test(name)) return undefined;
  if (!name) return 'Name is required.';
  if (name.length > 63) return 'Use at most 63 characters.';
  if (name.startsWith('-')) return 'Start with a letter or digit.';
  const bad = /[^a-z0-9-]/.exec(name)?.[0];
  return bad === ' ' ? 'Spaces are not allowed: use dashes instead.' : `“${bad}” is not allowed: use lowercase letters, digits and dashes.`;
}

// "An environment named … already exists" (409) names no field, but it is about the name.
const serverErrors = (error: Error | null) => (error ? placeErrors(error, ['name'] as const, [[/already exists/, 'name']]) : undefined);

export function CreateEnvironmentDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<EnvironmentKind>('development');
  const [problem, setProblem] = useState<string>();
  const create = useMutation({
    mutationFn: () => consoleApi.createEnvironment(name, kind),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['environments'] });
      close();
    },
  });
  const server = serverErrors(create.error);
  const { ref, failed } = useFocusFirstError(create.error);

  function close() {
    setName('');
    setKind('development');
    setProblem(undefined);
    create.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = nameProblem(name);
    setProblem(found);
    if (found) failed();
    else create.mutate();
  }

  return (
    <Modal title="Create environment" open={open} onClose={close}>
      <form ref={ref} onSubmit={submit} onChange={clearOnEdit(create)} noValidate>
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value.toLowerCase())} error={problem ?? server?.fields.name} hint={NAME_RULE} autoFocus />
        <SelectField
          label="Kind"
          options={kinds}
          value={kind}
          onChange={(e) => setKind(e.target.value as EnvironmentKind)}
          hint="Only changes how the dashboard marks it. Every environment has its own webhooks, API keys and data."
        />
        {server?.form && <ErrorNotice error={server.form} title="Could not create the environment" />}
        <FormActions submitLabel="Create environment" pendingLabel="Creating…" pending={create.isPending} onCancel={close} />
      </form>
    </Modal>
  );
}

export function RenameEnvironmentDialog({ environment, onClose }: { environment: Environment | undefined; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const rename = useMutation({
    mutationFn: ({ id, next }: { id: string; next: string }) => consoleApi.renameEnvironment(id, next),
    onSuccess: async (renamed) => {
      // The sidebar remembers the last environment by name; follow the rename so its links keep working.
      if (environment && sessionStorage.getItem('laurel.environment') === environment.name) sessionStorage.setItem('laurel.environment', renamed.name);
      await client.invalidateQueries({ queryKey: ['environments'] });
      close();
    },
  });
  const server = serverErrors(rename.error);
  const { ref, failed } = useFocusFirstError(rename.error);

  function close() {
    setName('');
    setProblem(undefined);
    rename.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!environment) return;
    const found = nameProblem(name);
    setProblem(found);
    if (found) failed();
    else rename.mutate({ id: environment.id, next: name });
  }

  return (
    <Modal title={`Rename ${environment?.name ?? 'environment'}`} open={environment !== undefined} onClose={close}>
      <form ref={ref} onSubmit={submit} onChange={clearOnEdit(rename)} noValidate>
        <p className="muted">Webhooks, API keys and data stay with the environment. Dashboard links that contain the old name stop working.</p>
        <TextField
          label="New name"
          value={name}
          placeholder={environment?.name}
          onChange={(e) => setName(e.target.value.toLowerCase())}
          error={problem ?? server?.fields.name}
          hint={NAME_RULE}
          autoFocus
        />
        {server?.form && <ErrorNotice error={server.form} title="Could not rename the environment" />}
        <FormActions submitLabel="Rename" pendingLabel="Renaming…" pending={rename.isPending} onCancel={close} />
      </form>
    </Modal>
  );
}
