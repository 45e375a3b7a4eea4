import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Frequency, Metric, StreakSettings } from '../../api/config';
import { Card } from '../../ui/card';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { Checkbox, clearOnEdit, SelectField } from '../../ui/form';
import { formatAmount } from '../../ui/format';
import { PageHeader } from '../../ui/misc';
import { placeErrors } from '../../ui/server-errors';
import { configKeys, useConfigApi, useInvalidate, useMetrics, useStreakSettings } from './queries';
import { ConditionRows } from './streaks/ConditionRows';
import { bodyOf, draftOf, errorPaths, type StreakDraft } from './streaks/draft';
import { FreezeFields } from './streaks/FreezeFields';

const FREQUENCIES = [
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
];

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'].map((label, day) => ({ value: String(day), label }));

export default function StreaksPage() {
  const settings = useStreakSettings();
  const metrics = useMetrics();
  return (
    <>
      <PageHeader
        title="Streaks"
        description="A streak grows each period in which a user meets your conditions, and is lost when a period passes without them. Periods follow each user's time zone."
      />
      {settings.isPending || metrics.isPending ? (
        <Loading what="streak settings" />
      ) : settings.isError ? (
        <ErrorNotice error={settings.error} title="Could not load the streak settings" onRetry={() => settings.refetch()} />
      ) : metrics.isError ? (
        <ErrorNotice error={metrics.error} title="Could not load metrics" onRetry={() => metrics.refetch()} />
      ) : (
        <StreakForm settings={settings.data} metrics={metrics.data} />
      )}
    </>
  );
}

function StreakForm({ settings, metrics }: { settings: StreakSettings; metrics: Metric[] }) {
  const { env, calls } = useConfigApi();
  const client = useQueryClient();
  const invalidate = useInvalidate();
  const [saved, setSaved] = useState(settings);
  const [draft, setDraft] = useState(() => draftOf(settings));
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = <K extends keyof StreakDraft>(field: K, value: StreakDraft[K]) => setDraft((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: calls.streakSettings.replace,
    onSuccess: async (result) => {
      client.setQueryData(configKeys.streakSettings(env), result);
      setSaved(result);
      setDraft(draftOf(result));
      // Lengths shown on user pages follow the new settings.
      await invalidate('users');
    },
  });
  const server = mutation.error ? placeErrors(mutation.error, errorPaths(draft)) : undefined;
  const errors: Record<string, string> = { ...(server?.fields as Record<string, string> | undefined), ...local };
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(saved));
  const { ref, failed } = useFocusFirstError(mutation.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const { body, errors: found } = bodyOf(draft);
    setLocal(found);
    if (body) mutation.mutate(body);
    else failed();
  }

  function discard() {
    setDraft(draftOf(saved));
    setLocal({});
    mutation.reset();
  }

  return (
    <form ref={ref} onSubmit={submit} onChange={clearOnEdit(mutation)} noValidate className="settings-form">
      <Summary draft={draftOf(saved)} metrics={metrics} />

      <Card title="Streak">
        <Checkbox
          label="Enable streaks"
          hint="While off, every streak reads 0 and no streak webhooks are sent; stored streaks are kept for when you turn it back on."
          checked={draft.enabled}
          onChange={(e) => set('enabled', e.target.checked)}
        />
        {draft.enabled && !saved.enabled && (
          <Notice kind="warning">
            <span data-testid="streaks-start-now">
              Streaks count from the moment you save: periods before then are not counted, even where users met the conditions, and nothing is
              backfilled from past metric events. A user's streak moves with their next event (events earlier in the current period still add to
              its total). A streak kept from an earlier time streaks were on is settled for the periods missed meanwhile: freezes are spent
              first, then it is lost.
            </span>
          </Notice>
        )}
        <div className="grid-2 nested-top">
          <SelectField
            label="Frequency"
            value={draft.frequency}
            onChange={(e) => set('frequency', e.target.value as Frequency)}
            options={FREQUENCIES}
            error={errors.frequency}
            hint="How long a period is. A user must meet the conditions once per period."
          />
          <SelectField
            label="Weeks start on"
            value={String(draft.weekStart)}
            onChange={(e) => set('weekStart', Number(e.target.value))}
            options={WEEKDAYS}
            error={errors.weekStart}
            hint="Where weekly periods and weekly event summaries begin."
          />
        </div>
      </Card>

      <Card title="Conditions">
        <p className="card-description">The sum of a metric's events within one period must reach its threshold. At least one condition is needed while streaks are on.</p>
        <ConditionRows
          conditions={draft.conditions}
          mode={draft.evaluationMode}
          metrics={metrics}
          errors={errors}
          onChange={(conditions) => set('conditions', conditions)}
          onMode={(mode) => set('evaluationMode', mode)}
        />
      </Card>

      <Card title="Freezes">
        <FreezeFields freezes={draft.freezes} errors={errors} onChange={(freezes) => set('freezes', freezes)} />
      </Card>

      <Card title="Personalisation">
        <Checkbox
          label="Let users personalise their streak"
          hint={
            <>
              A user's streak preferences (<code>PATCH /v1/users/:id/preferences</code>) may then replace these conditions and the evaluation
              mode. Turning a streak off per user is always allowed.
            </>
          }
          checked={draft.personalization}
          onChange={(e) => set('personalization', e.target.checked)}
        />
      </Card>

      <div className="save-bar">
        <div className="save-bar-status" role="status">
          {mutation.isSuccess && !dirty ? 'Saved. Every user’s next rollover was rescheduled.' : dirty ? 'You have unsaved changes.' : ''}
        </div>
        {server?.form && <Notice kind="error">{server.form}</Notice>}
        <div className="row">
          <button type="button" className="button" onClick={discard} disabled={!dirty || mutation.isPending}>
            Discard changes
          </button>
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save streak settings'}
          </button>
        </div>
      </div>
    </form>
  );
}

/** The saved rule in one sentence, so the effect of the settings is plain. */
function Summary({ draft, metrics }: { draft: StreakDraft; metrics: readonly Metric[] }) {
  if (!draft.enabled) {
    return <Notice kind="info">Streaks are off in this environment. Every streak reads 0 until you enable them and save.</Notice>;
  }
  const period = { daily: 'each day', weekly: 'each week', monthly: 'each month' }[draft.frequency];
  const parts = draft.conditions.map((condition) => {
    const metric = metrics.find((m) => m.key === condition.metricKey);
    return metric ? `their ${metric.name} reaches ${formatAmount(Number(condition.threshold), metric.unitType, metric.units)}` : `a deleted metric reaches ${condition.threshold}`;
  });
  return (
    <Notice kind="success">
      <span>
        Users extend their streak {period} in which {parts.join(draft.evaluationMode === 'AND' ? ' and ' : ' or ')}.
        {draft.freezes.enabled && ` They can hold up to ${draft.freezes.max} freeze${draft.freezes.max === '1' ? '' : 's'}.`}
      </span>
    </Notice>
  );
}
