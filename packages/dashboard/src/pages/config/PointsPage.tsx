import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { PointsSystem } from '../../api/points';
import { useEnvironment } from '../../app/environment';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { formatNumber } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { BadgeThumb } from './badge';
import { usePointsApi, usePointsSystems } from './points/queries';
import { SystemDialog } from './points/SystemDialog';
import { useInvalidate } from './queries';

type Editing = { kind: 'create' } | { kind: 'edit'; system: PointsSystem } | { kind: 'delete'; system: PointsSystem };

export default function PointsPage() {
  const systems = usePointsSystems();
  const { calls } = usePointsApi();
  const { envPath } = useEnvironment();
  const navigate = useNavigate();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  const all = systems.data ?? [];

  const createButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      Create points system
    </button>
  );

  return (
    <>
      <PageHeader
        title="Points"
        description="Totals users earn from triggers (metric events, streaks, achievements, time, signing up), with levels at thresholds and boosts that multiply awards for a while. An environment can have several systems, like XP and energy."
        actions={all.length > 0 ? createButton : undefined}
      />
      {systems.isPending ? (
        <Loading what="points systems" />
      ) : systems.isError ? (
        <ErrorNotice error={systems.error} title="Could not load points systems" onRetry={() => systems.refetch()} />
      ) : all.length === 0 ? (
        <EmptyState title="No points systems yet" action={createButton}>
          Create a system, for example “XP”, then give it triggers that award points, levels, and boosts. Your app reads it with{' '}
          <code>GET /v1/points/&#123;key&#125;</code>.
        </EmptyState>
      ) : (
        <Table columns={['Points system', 'Cap', 'Status', ACTIONS_COLUMN]}>
          {all.map((system) => (
            <tr key={system.id}>
              <td>
                <div className="achievement-cell">
                  <BadgeThumb name={system.name} url={system.badge?.url} />
                  <div>
                    <Link to={envPath(`points/${system.id}`)} className="cell-title">
                      {system.name}
                    </Link>
                    <div className="cell-sub mono">{system.key}</div>
                    {system.description && <div className="cell-sub clamp">{system.description}</div>}
                  </div>
                </div>
              </td>
              <td className="nowrap">{system.maxPoints === null ? <span className="muted">No cap</span> : `${formatNumber(system.maxPoints)} points`}</td>
              <td>{system.status === 'active' ? <Badge tone="success">Active</Badge> : <Badge>Archived</Badge>}</td>
              <td className="actions">
                <EditDeleteButtons name={system.name} onEdit={() => setEditing({ kind: 'edit', system })} onDelete={() => setEditing({ kind: 'delete', system })} />
              </td>
            </tr>
          ))}
        </Table>
      )}

      {editing?.kind === 'create' && <SystemDialog onClose={close} onCreated={(system) => navigate(envPath(`points/${system.id}`))} />}
      {editing?.kind === 'edit' && <SystemDialog system={editing.system} onClose={close} />}
      {editing?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete ${editing.system.name}?`}
          confirmLabel="Delete points system"
          onClose={close}
          remove={async () => {
            await calls.systems.remove(editing.system.id);
            await invalidate('points', 'leaderboards', 'users');
          }}
        >
          <p>
            This deletes its triggers, levels and boosts, and every user's total, awards and progress in it. Leaderboards that rank it stay but
            rank nothing until you give them another system. This cannot be undone.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}
