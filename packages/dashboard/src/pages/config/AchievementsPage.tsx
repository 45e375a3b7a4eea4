import { useState } from 'react';
import type { Achievement, AchievementStats, AchievementStatus } from '../../api/config';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/form';
import { formatNumber, formatPercent } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { AchievementDialog } from './achievements/AchievementDialog';
import { BadgeThumb } from './badge';
import { FilterChips } from './FilterChips';
import { describeRule, STATUS_LABEL, STATUS_TONE } from './achievements/describe';
import { StatusDialog, statusActionLabel } from './achievements/StatusDialog';
import { useAchievements, useAchievementStats, useConfigApi, useInvalidate, useMetrics, useStreakSettings } from './queries';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; achievement: Achievement }
  | { kind: 'status'; achievement: Achievement }
  | { kind: 'delete'; achievement: Achievement };

const STATUS_FILTERS = [
  { value: '', label: 'All statuses' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'locked', label: 'Locked' },
];

export default function AchievementsPage() {
  const achievements = useAchievements();
  const stats = useAchievementStats();
  const metrics = useMetrics();
  const streak = useStreakSettings();
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<Editing>();
  const [status, setStatus] = useState<AchievementStatus | ''>('');
  const [search, setSearch] = useState('');
  const close = () => setEditing(undefined);

  const all = achievements.data ?? [];
  const byId = new Map(all.map((a) => [a.id, a]));
  const metricsById = new Map(metrics.data?.map((m) => [m.id, m]));
  const statsById = new Map(stats.data?.map((s) => [s.id, s]));
  const needle = search.trim().toLowerCase();
  const shown = all.filter(
    (a) => (!status || a.status === status) && (!needle || a.name.toLowerCase().includes(needle) || (a.key ?? '').toLowerCase().includes(needle)),
  );

  const createButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      Create achievement
    </button>
  );

  return (
    <>
      <PageHeader
        title="Achievements"
        description="Milestones users complete by reaching a metric total, keeping a streak, being granted one by your backend, or holding a set of other achievements."
        actions={all.length > 0 ? createButton : undefined}
      />
      {achievements.isPending ? (
        <Loading what="achievements" />
      ) : achievements.isError ? (
        <ErrorNotice error={achievements.error} title="Could not load achievements" onRetry={() => achievements.refetch()} />
      ) : all.length === 0 ? (
        <EmptyState title="No achievements yet" action={createButton}>
          Create your first achievement, for example “First 1,000 words” on a metric. New achievements start inactive, so you can check them
          before users can earn them.
        </EmptyState>
      ) : (
        <>
          <div className="filters" role="search">
            <TextField label="Search achievements" type="search" placeholder="Name or key" value={search} onChange={(e) => setSearch(e.target.value)} />
            <SelectField label="Show" value={status} onChange={(e) => setStatus(e.target.value as AchievementStatus | '')} options={STATUS_FILTERS} />
          </div>
          {stats.isError && <ErrorNotice error={stats.error} title="Completion stats are unavailable" onRetry={() => stats.refetch()} />}
          {shown.length === 0 ? (
            <EmptyState title="No achievements match">Change the search or the status filter.</EmptyState>
          ) : (
            <Table columns={['Achievement', 'Completes when', 'Status', { label: 'Completed by', numeric: true }, ACTIONS_COLUMN]}>
              {shown.map((achievement) => (
                <tr key={achievement.id}>
                  <td>
                    <div className="achievement-cell">
                      <BadgeThumb name={achievement.name} url={achievement.badgeUrl} />
                      <div>
                        <div className="cell-title">{achievement.name}</div>
                        <div className="cell-sub mono">{achievement.key}</div>
                        {achievement.description && <div className="cell-sub clamp">{achievement.description}</div>}
                      </div>
                    </div>
                  </td>
                  <td>
                    <div>{describeRule(achievement, metricsById, byId, streak.data?.frequency)}</div>
                    <FilterChips label="Users with" filters={achievement.userAttributes} />
                    <FilterChips label="Counting events with" filters={achievement.eventAttributes ?? []} />
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[achievement.status]}>{STATUS_LABEL[achievement.status]}</Badge>
                  </td>
                  <td className="numeric">
                    <Completions achievement={achievement} stats={statsById.get(achievement.id)} loading={stats.isPending} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`${statusActionLabel(achievement)} ${achievement.name}`}
                      onClick={() => setEditing({ kind: 'status', achievement })}
                    >
                      {statusActionLabel(achievement)}
                    </button>{' '}
                    <EditDeleteButtons
                      name={achievement.name}
                      onEdit={() => setEditing({ kind: 'edit', achievement })}
                      onDelete={() => setEditing({ kind: 'delete', achievement })}
                    />
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}

      {editing?.kind === 'create' && <AchievementDialog onClose={close} />}
      {editing?.kind === 'edit' && <AchievementDialog achievement={editing.achievement} onClose={close} />}
      {editing?.kind === 'status' && <StatusDialog achievement={editing.achievement} onClose={close} />}
      {editing?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete ${editing.achievement.name}?`}
          confirmLabel="Delete achievement"
          onClose={close}
          remove={async () => {
            await calls.achievements.remove(editing.achievement.id);
            await invalidate('achievements', 'points', 'users');
          }}
        >
          <p>
            This also deletes every user's completion of it; they will not get it back if you create it again. To stop new completions
            but keep existing ones, lock it instead.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}

/** The Application API reports stats for active achievements only; nobody can hold an inactive one. */
function Completions({ achievement, stats, loading }: { achievement: Achievement; stats: AchievementStats | undefined; loading: boolean }) {
  if (achievement.status === 'inactive') return <span className="muted">—</span>;
  if (loading) return <span className="muted">…</span>;
  if (!stats) return <span className="muted" title="Completion stats are only reported for active achievements">—</span>;
  return (
    <>
      <div>
        {formatNumber(stats.completions)} {stats.completions === 1 ? 'user' : 'users'}
      </div>
      <div className="cell-sub">{formatPercent(stats.rarity)} of all users</div>
    </>
  );
}
