import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { consoleApi, type Session } from '../../api/console';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { FormActions, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';

const MIN = 10;
const MAX = 256;
type FieldName = 'currentPassword' | 'newPassword' | 'confirm';

/** Current password, new one twice; on success the cached session forgets mustChangePassword. */
export function ChangePasswordForm({ currentLabel, submitLabel, onChanged }: { currentLabel: string; submitLabel: string; onChanged?: () => void }) {
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const { ref, failed } = useFocusFirstError();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Partial<Record<FieldName, string>> = {};
    if (!current) problems.currentPassword = `${currentLabel} is required.`;
    if (!next) problems.newPassword = 'New password is required.';
    else if (next.length < MIN) problems.newPassword = `Use at least ${MIN} characters.`;
    else if (next.length > MAX) problems.newPassword = `Use at most ${MAX} characters.`;
    else if (next === current) problems.newPassword = 'Choose a password different from the current one.';
    if (!problems.newPassword && !confirm) problems.confirm = 'Type the new password again to confirm it.';
    else if (!problems.newPassword && confirm !== next) problems.confirm = 'The two new passwords differ.';
    setErrors(problems);
    setFormError(undefined);
    setDone(false);
    if (Object.keys(problems).length > 0) return failed();
    setBusy(true);
    try {
      await consoleApi.changePassword(current, next);
      client.setQueryData<Session | null>(['session'], (session) => session && { ...session, account: { ...session.account, mustChangePassword: false } });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged?.();
    } catch (error) {
      // "currentPassword is wrong" names the field without a path; validation messages carry one.
      if (error instanceof ApiError && /^currentPassword\b/.test(error.message)) setErrors({ currentPassword: `That is not your ${currentLabel.toLowerCase()}.` });
      else {
        const placed = placeErrors(error, ['currentPassword', 'newPassword'] as const);
        setErrors(placed.fields);
        if (placed.form) setFormError(placed.form);
      }
      failed();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <TextField label={currentLabel} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={errors.currentPassword} />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={errors.newPassword}
        hint={`At least ${MIN} characters. A passphrase of a few words works well.`}
      />
      <TextField label="Confirm new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
      {formError !== undefined && <ErrorNotice error={formError} title="Could not change the password" />}
      {done && <Notice kind="success">Password changed. Your other sessions were signed out.</Notice>}
      <FormActions submitLabel={submitLabel} pending={busy} />
    </form>
  );
}
