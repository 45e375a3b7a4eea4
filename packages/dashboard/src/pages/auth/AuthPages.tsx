import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { consoleApi } from '../../api/console';
import { useServerStatus, useSessionQuery } from '../../app/session';
import { AuthCard } from '../../ui/brand';
import { ErrorNotice, FullPageLoading, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { problemsOf, requiredMessage, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';

const MIN_PASSWORD = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type SetupField = 'email' | 'password' | 'setupToken';

/** First run: no account exists yet, so the first visitor creates the owner. */
export function SetupPage() {
  const status = useServerStatus();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [setupToken, setSetupToken] = useState('');
  const [errors, setErrors] = useState<Partial<Record<SetupField, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { ref, failed } = useFocusFirstError();

  if (status.isPending) return <FullPageLoading />;
  if (status.data && !status.data.setupRequired) return <Navigate to="/login" replace />;
  const tokenRequired = status.data?.setupTokenRequired ?? false;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = problemsOf<SetupField>({
      email: requiredMessage('Email', email) ?? (EMAIL.test(email.trim()) ? undefined : 'Enter an email address, like ann@example.com.'),
      password: requiredMessage('Password', password) ?? (password.length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters.` : undefined),
      setupToken: tokenRequired ? requiredMessage('Set-up token', setupToken) : undefined,
    });
    setErrors(problems);
    setFormError(undefined);
    if (Object.keys(problems).length > 0) return failed();
    setBusy(true);
    try {
      const session = await consoleApi.setup(email.trim(), password, tokenRequired ? setupToken : undefined);
      client.setQueryData(['session'], session);
      client.setQueryData(['status'], { ...status.data!, setupRequired: false });
      navigate('/', { replace: true });
    } catch (caught) {
      // The server names setupToken (or LAUREL_SETUP_TOKEN) when that is what it refused.
      const placed = placeErrors<SetupField>(caught, ['email', 'password', 'setupToken'], [[/setup.?token/i, 'setupToken']]);
      setErrors(placed.fields);
      setFormError(placed.form);
      failed();
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Welcome to Laurel" subtitle="Create the owner account for this instance. You can invite teammates afterwards.">
      <form ref={ref} onSubmit={submit} noValidate>
        <TextField label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} autoFocus />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={`At least ${MIN_PASSWORD} characters.`}
          error={errors.password}
        />
        {tokenRequired && (
          <TextField
            label="Set-up token"
            type="password"
            autoComplete="off"
            required
            value={setupToken}
            onChange={(e) => setSetupToken(e.target.value)}
            hint="The LAUREL_SETUP_TOKEN this server was started with. Production mode asks for it so nobody else can claim a new server."
            error={errors.setupToken}
          />
        )}
        {formError && <ErrorNotice error={formError} title="Could not create the owner account" />}
        <button className="button button-primary button-block" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create owner account'}
        </button>
      </form>
    </AuthFrame>
  );
}

export function LoginPage() {
  const status = useServerStatus();
  const session = useSessionQuery();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { ref, failed } = useFocusFirstError();
  const next = safeNext(params.get('next'));

  if (status.isPending || session.isPending) return <FullPageLoading />;
  if (status.data?.setupRequired) return <Navigate to="/setup" replace />;
  if (session.data) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = problemsOf({ email: requiredMessage('Email', email), password: requiredMessage('Password', password) });
    setMissing(problems);
    setError(undefined);
    if (Object.keys(problems).length > 0) return failed();
    setBusy(true);
    try {
      const signedIn = await consoleApi.login(email.trim(), password);
      client.setQueryData(['session'], signedIn);
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
      failed();
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Sign in to Laurel">
      <form ref={ref} onSubmit={submit} noValidate>
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={missing.email} autoFocus />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={missing.password} />
        {error !== undefined &&
          (error instanceof ApiError && error.status === 429 ? (
            <Notice kind="warning">Too many attempts. Try again in {Math.ceil((error.retryAfterSeconds ?? 60) / 60)} minute(s).</Notice>
          ) : (
            <ErrorNotice error={error} title="Could not sign in" />
          ))}
        <button className="button button-primary button-block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}

/** Only same-site paths: a crafted ?next=https://evil.example must not turn sign-in into an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <AuthCard title={title} subtitle={subtitle}>
        {children}
      </AuthCard>
    </div>
  );
}
