import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiKeyKeys, type ApiKey } from '../../api/api-keys';
import { DoneActions, Modal } from '../../ui/dialog';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { clearOnEdit, FormActions, requiredMessage, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';
import { SecretValue } from '../../ui/misc';
import { useApiKeysApi } from './queries';

/** Names a new key, then shows the whole key once: the server keeps only its hash. */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { env, environment, calls } = useApiKeysApi();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const create = useMutation({
    mutationFn: (keyName: string) => calls.create(keyName),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all(env) }),
  });
  const serverErrors = create.error ? placeErrors(create.error, ['name'] as const) : undefined;
  const { ref, failed } = useFocusFirstError(create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    const problem = requiredMessage('Name', trimmed) ?? (trimmed.length > 255 ? 'Use at most 255 characters.' : undefined);
    setNameError(problem);
    if (problem) return failed();
    create.mutate(trimmed);
  }

  function close() {
    setName('');
    setNameError(undefined);
    create.reset();
    onClose();
  }

  return (
    <Modal title={create.data ? 'API key created' : 'Create API key'} open={open} onClose={close}>
      {create.data ? (
        <CreatedKey created={create.data} environment={environment.name} onDone={close} />
      ) : (
        <form ref={ref} onSubmit={submit} onChange={clearOnEdit(create)} noValidate>
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={nameError ?? serverErrors?.fields.name}
            hint={
              <>
                Where the key is used, e.g. “backend (staging)”. It works for <strong>{environment.name}</strong> only.
              </>
            }
            autoFocus
          />
          {serverErrors?.form && <ErrorNotice error={serverErrors.form} title="Could not create the key" />}
          <FormActions submitLabel="Create API key" pendingLabel="Creating…" pending={create.isPending} onCancel={close} />
        </form>
      )}
    </Modal>
  );
}

function CreatedKey({ created, environment, onDone }: { created: ApiKey & { key: string }; environment: string; onDone: () => void }) {
  return (
    <>
      <Notice kind="warning">
        <strong>Copy this key now.</strong>
        <span>It is shown only once; Laurel keeps just a hash. If you lose it, create a new key and delete this one.</span>
      </Notice>
      <SecretValue label="API key" value={created.key} copyLabel="Copy key" />
      <p className="muted small">
        Send it as <code>X-API-KEY</code> to the Admin and Application APIs of <strong>{environment}</strong>.
      </p>
      <DoneActions onDone={onDone} />
    </>
  );
}
