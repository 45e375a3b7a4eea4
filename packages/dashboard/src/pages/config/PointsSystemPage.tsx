import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { PointsBoost, PointsLevel, PointsSystem, PointsTrigger } from '../../api/points';
import { useEnvironment } from '../../app/environment';
import { Card } from '../../ui/card';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { formatNumber } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { STATUS_LABEL } from './achievements/describe';
import { BadgeThumb } from './badge';
import { FilterChips } from './FilterChips';
import { BoostDialog } from './points/BoostDialog';
import {
  BOOST_STATUS_LABEL,
  BOOST_STATUS_TONE,
  describeDates,
  describeMultiplier,
  describeTrigger,
  filtersByKey,
  signedPoints,
  TRIGGER_TYPE_LABEL,
} from './points/describe';
import { LevelDialog } from './points/LevelDialog';
import { useBoosts, useLevels, usePointsApi, usePointsSystem, useTriggers } from './points/queries';
import { SystemDialog } from './points/SystemDialog';
import { TriggerDialog } from './points/TriggerDialog';
import { useAchievements, useAttributes, useInvalidate, useMetrics, useStreakSettings } from './queries';

type Editing =
  | { kind: 'system' }
  | { kind: 'trigger'; trigger?: PointsTrigger }
  | { kind: 'delete-trigger'; trigger: PointsTrigger }
  | { kind: 'level'; level?: PointsLevel }
  | { kind: 'delete-level'; level: PointsLevel }
  | { kind: 'boost'; boost?: PointsBoost }
  | { kind: 'delete-boost'; boost: PointsBoost };

/** One points system: what earns points (triggers), the levels of the total and the boosts that multiply awards. */
export default function PointsSystemPage() {
  const { id = '' } = useParams();
  const { envPath } = useEnvironment();
  const system = usePointsSystem(id);
  const back = (
    <Link to={envPath('points')} className="back-link">
      ← Points
    </Link>
  );

  if (system.isPending) return <Loading what="points system" />;
  if (system.isError) {
    return (
      <>
        {back}
        {system.error instanceof ApiError && system.error.status === 404 ? (
          <EmptyState title="Points system not found" action={<Link to={envPath('points')}>All points systems</Link>}>
            This environment has no points system with the id <code>{id}</code>. It may have been deleted, or belong to another environment.
          </EmptyState>
        ) : (
          <ErrorNotice error={system.error} title="Could not load the points system" onRetry={() => system.refetch()} />
        )}
      </>
    );
  }
  return (
    <>
      {back}
      <SystemContents system={system.data} />
    </>
  );
}

function SystemContents({ system }: { system: PointsSystem }) {
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  const { calls } = usePointsApi();
  const invalidate = useInvalidate();

  return (
    <>
      <PageHeader
        title={system.name}
        description={
          <>
            <span className="mono">{system.key}</span> · {system.maxPoints === null ? 'no cap' : `capped at ${formatNumber(system.maxPoints)} points`}
            {system.status === 'archived' && <> · archived: awards nothing</>}
            {system.description && <span className="block">{system.description}</span>}
          </>
        }
        actions={
          <button type="button" className="button" onClick={() => setEditing({ kind: 'system' })}>
            Edit system
          </button>
        }
      />
      <div className="stack">
        <Triggers system={system} onEdit={(trigger) => setEditing({ kind: 'trigger', trigger })} onDelete={(trigger) => setEditing({ kind: 'delete-trigger', trigger })} />
        <Levels system={system} onEdit={(level) => setEditing({ kind: 'level', level })} onDelete={(level) => setEditing({ kind: 'delete-level', level })} />
        <Boosts system={system} onEdit={(boost) => setEditing({ kind: 'boost', boost })} onDelete={(boost) => setEditing({ kind: 'delete-boost', boost })} />
      </div>

      {editing?.kind === 'system' && <SystemDialog system={system} onClose={close} />}
      {editing?.kind === 'trigger' && <TriggerDialog systemId={system.id} trigger={editing.trigger} onClose={close} />}
      {editing?.kind === 'level' && <LevelDialog systemId={system.id} level={editing.level} onClose={close} />}
      {editing?.kind === 'boost' && <BoostDialog systemId={system.id} boost={editing.boost} onClose={close} />}
      {editing?.kind === 'delete-trigger' && (
        <DeleteDialog
          title="Delete this trigger?"
          confirmLabel="Delete trigger"
          onClose={close}
          remove={async () => {
            await calls.triggers(system.id).remove(editing.trigger.id);
            await invalidate('points');
          }}
        >
          <p>It stops firing at once. Points it awarded stay, and users' award history keeps showing it as archived.</p>
        </DeleteDialog>
      )}
      {editing?.kind === 'delete-level' && (
        <DeleteDialog
          title={`Delete ${editing.level.name}?`}
          confirmLabel="Delete level"
          onClose={close}
          remove={async () => {
            await calls.levels(system.id).remove(editing.level.id);
            await invalidate('points', 'users');
          }}
        >
          <p>Users keep their points; their level is worked out from the levels that remain.</p>
        </DeleteDialog>
      )}
      {editing?.kind === 'delete-boost' && (
        <DeleteDialog
          title={`Delete ${editing.boost.name}?`}
          confirmLabel="Delete boost"
          onClose={close}
          remove={async () => {
            await calls.boosts(system.id).remove(editing.boost.id);
            await invalidate('points');
          }}
        >
          <p>Awards it already boosted keep their points.</p>
        </DeleteDialog>
      )}
    </>
  );
}

function AddButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="button button-small" onClick={onClick}>
      {label}
    </button>
  );
}

function Triggers({ system, onEdit, onDelete }: { system: PointsSystem; onEdit: (trigger?: PointsTrigger) => void; onDelete: (trigger: PointsTrigger) => void }) {
  const triggers = useTriggers(system.id);
  const metrics = useMetrics();
  const achievements = useAchievements();
  const attributes = useAttributes();
  const streak = useStreakSettings();
  const metricsById = new Map(metrics.data?.map((m) => [m.id, m]));
  const achievementsById = new Map(achievements.data?.map((a) => [a.id, a]));
  const declared = attributes.data ?? [];

  return (
    <Card title="Triggers" actions={<AddButton label="Add trigger" onClick={() => onEdit()} />}>
      <p className="card-description">What awards or deducts points. Only active triggers fire, and only for the users their filters allow.</p>
      {triggers.isPending ? (
        <Loading what="triggers" />
      ) : triggers.isError ? (
        <ErrorNotice error={triggers.error} title="Could not load the triggers" onRetry={() => triggers.refetch()} />
      ) : triggers.data.length === 0 ? (
        <p className="muted">No triggers yet: nothing awards points in this system.</p>
      ) : (
        <Table compact columns={['Points', 'When', 'Status', ACTIONS_COLUMN]}>
          {triggers.data.map((trigger) => {
            const name = `${TRIGGER_TYPE_LABEL[trigger.type].toLowerCase()} trigger ${signedPoints(trigger.points)}`;
            return (
              <tr key={trigger.id} data-testid="trigger-row">
                <td className="nowrap">
                  <div className="cell-title">{signedPoints(trigger.points)}</div>
                  <div className="cell-sub">{TRIGGER_TYPE_LABEL[trigger.type]}</div>
                </td>
                <td className="cell-wide">
                  <div>{describeTrigger(trigger, metricsById, achievementsById, streak.data?.frequency)}</div>
                  <FilterChips label="Users with" filters={filtersByKey(trigger.userAttributes, declared)} />
                  <FilterChips label="Counting events with" filters={filtersByKey(trigger.eventAttributes, declared)} />
                  {trigger.blockIfOutOfPoints && <div className="cell-sub">Refuses the event when the user is out of points</div>}
                </td>
                <td>
                  <Badge tone={trigger.status === 'active' ? 'success' : 'neutral'}>{STATUS_LABEL[trigger.status]}</Badge>
                </td>
                <td className="actions">
                  <EditDeleteButtons name={name} onEdit={() => onEdit(trigger)} onDelete={() => onDelete(trigger)} />
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </Card>
  );
}

function Levels({ system, onEdit, onDelete }: { system: PointsSystem; onEdit: (level?: PointsLevel) => void; onDelete: (level: PointsLevel) => void }) {
  const levels = useLevels(system.id);
  return (
    <Card title="Levels" actions={<AddButton label="Add level" onClick={() => onEdit()} />}>
      <p className="card-description">A user holds the highest level whose points their total has reached.</p>
      {levels.isPending ? (
        <Loading what="levels" />
      ) : levels.isError ? (
        <ErrorNotice error={levels.error} title="Could not load the levels" onRetry={() => levels.refetch()} />
      ) : levels.data.length === 0 ? (
        <p className="muted">No levels: users of this system have points but no level.</p>
      ) : (
        <Table compact columns={['Level', { label: 'From', numeric: true }, ACTIONS_COLUMN]}>
          {levels.data.map((level) => (
            <tr key={level.id} data-testid="level-row">
              <td>
                <div className="achievement-cell">
                  <BadgeThumb name={level.name} url={level.badge?.url} />
                  <div>
                    <div className="cell-title">{level.name}</div>
                    <div className="cell-sub mono">{level.key}</div>
                    {level.description && <div className="cell-sub clamp">{level.description}</div>}
                  </div>
                </div>
              </td>
              <td className="numeric">{formatNumber(level.points)} points</td>
              <td className="actions">
                <EditDeleteButtons name={level.name} onEdit={() => onEdit(level)} onDelete={() => onDelete(level)} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

function Boosts({ system, onEdit, onDelete }: { system: PointsSystem; onEdit: (boost?: PointsBoost) => void; onDelete: (boost: PointsBoost) => void }) {
  const boosts = useBoosts(system.id);
  const attributes = useAttributes();
  const { envPath } = useEnvironment();
  return (
    <Card title="Boosts" actions={<AddButton label="Add boost" onClick={() => onEdit()} />}>
      <p className="card-description">Multipliers of positive awards between two dates, in each user's own calendar.</p>
      {boosts.isPending ? (
        <Loading what="boosts" />
      ) : boosts.isError ? (
        <ErrorNotice error={boosts.error} title="Could not load the boosts" onRetry={() => boosts.refetch()} />
      ) : boosts.data.length === 0 ? (
        <p className="muted">No boosts.</p>
      ) : (
        <Table compact columns={['Boost', 'For', 'Status', ACTIONS_COLUMN]}>
          {boosts.data.map((boost) => {
            const filters = filtersByKey(boost.userAttributes, attributes.data ?? []);
            return (
              <tr key={boost.id} data-testid="boost-row">
                <td className="cell-wide">
                  <div className="cell-title">{boost.name}</div>
                  <div className="cell-sub">
                    {describeMultiplier(boost)} · {describeDates(boost.start, boost.end)}
                  </div>
                </td>
                <td className="cell-medium">
                  {boost.userId ? (
                    <Link to={envPath(`users/${encodeURIComponent(boost.userId)}`)} className="mono">
                      {boost.userId}
                    </Link>
                  ) : filters.length > 0 ? (
                    <FilterChips label="Users with" filters={filters} />
                  ) : (
                    'Everyone'
                  )}
                </td>
                <td>
                  <Badge tone={BOOST_STATUS_TONE[boost.status]}>{BOOST_STATUS_LABEL[boost.status]}</Badge>
                </td>
                <td className="actions">
                  <EditDeleteButtons name={boost.name} onEdit={() => onEdit(boost)} onDelete={() => onDelete(boost)} />
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </Card>
  );
}
