import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../api/console';
import { DoneActions, Modal } from '../../ui/dialog';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { clearOnEdit, FormActions, requiredMessage, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';
import { SecretValue } from '../../ui/misc';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The owner adds a member and sees the one-time password once, to pass on privately. */
export function AddMemberDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string>();
  const add = useMutation({
    mutationFn: (address: string) => consoleApi.addMember(address),
    onSuccess: () => client.invalidateQueries({ queryKey: ['members'] }),
  });
  // "An account with the email … already exists" (409) names no field, but it is about the email.
  const server = add.error ? placeErrors(add.error, ['email'] as const, [[/already exists/, 'email']]) : undefined;
  const { ref, failed } = useFocusFirstError(add.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    const found = requiredMessage('Email', address) ?? (EMAIL.test(address) ? undefined : 'Enter an email address, like ann@example.com.');
    setProblem(found);
    if (found) failed();
    else add.mutate(address);
  }

  function close() {
    setEmail('');
    setProblem(undefined);
    add.reset();
    onClose();
  }

  return (
    <Modal title={add.data ? 'Member added' : 'Add member'} open={open} onClose={close}>
      {add.data ? (
        <>
          <p>
            <strong>{add.data.member.email}</strong> can now sign in with this one-time password. They choose their own password at first sign-in.
          </p>
          <SecretValue label="One-time password" value={add.data.oneTimePassword} copyLabel="Copy password" />
          <Notice kind="warning">It is shown only this once. Pass it on through a private channel, not in a shared chat.</Notice>
          <DoneActions onDone={close} />
        </>
      ) : (
        <form ref={ref} onSubmit={submit} onChange={clearOnEdit(add)} noValidate>
          <TextField
            label="Email"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={problem ?? server?.fields.email}
            hint="Members see and change every environment; only you, the owner, add and remove members."
            autoFocus
          />
          {server?.form && <ErrorNotice error={server.form} title="Could not add the member" />}
          <FormActions submitLabel="Create member account" pendingLabel="Adding…" pending={add.isPending} onCancel={close} />
        </form>
      )}
    </Modal>
  );
}
