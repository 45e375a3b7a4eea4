import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { userPointsApi, type AwardTrigger, type PointsSystem } from '../../../api/points';
import { useEnvironment, useEnvironmentCalls } from '../../../app/environment';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatNumber } from '../../../ui/format';
import { Badge, RelativeTime } from '../../../ui/misc';
import { signedPoints, TRIGGER_TYPE_LABEL } from '../points/describe';
import { usePointsSystems } from '../points/queries';
import { configKeys } from '../queries';

/** The latest awards shown per system. */
const AWARDS = 10;

/** The user's total, level and latest awards in every points system of the environment. */
export function UserPoints({ userId }: { userId: string }) {
  const systems = usePointsSystems();
  return (
    <Card title="Points">
      {systems.isPending ? (
        <Loading what="points systems" />
      ) : systems.isError ? (
        <ErrorNotice error={systems.error} title="Could not load points systems" onRetry={() => systems.refetch()} />
      ) : systems.data.length === 0 ? (
        <p className="muted">This environment has no points systems yet.</p>
      ) : (
        <div className="user-points">
          {systems.data.map((system) => (
            <SystemPoints key={system.id} userId={userId} system={system} />
          ))}
        </div>
      )}
    </Card>
  );
}

/** "Metric: Lessons completed", "Achievement: Ten lessons", with "(deleted)" for an archived trigger. */
function describeAwardTrigger(trigger: AwardTrigger): string {
  const what = trigger.metricName ?? trigger.achievementName;
  return `${TRIGGER_TYPE_LABEL[trigger.type]}${what ? `: ${what}` : ''}${trigger.status === 'archived' ? ' (trigger deleted)' : ''}`;
}

function SystemPoints({ userId, system }: { userId: string; system: PointsSystem }) {
  const { env, calls } = useEnvironmentCalls(userPointsApi);
  const { envPath } = useEnvironment();
  const points = useQuery({ queryKey: [...configKeys.user(env, userId), 'points', system.key], queryFn: () => calls.get(userId, system.key, AWARDS) });

  return (
    <section className="user-points-system" aria-label={system.name} data-testid="user-points">
      <h3 className="subheading">
        <Link to={envPath(`points/${system.id}`)}>{system.name}</Link>
      </h3>
      {points.isPending ? (
        <Loading what={system.name} />
      ) : points.isError ? (
        <ErrorNotice error={points.error} title={`Could not load the user's ${system.name}`} onRetry={() => points.refetch()} />
      ) : (
        <>
          <div className="stat-row">
            <div className="stat">
              <span className="stat-value" data-testid="points-total">
                {formatNumber(points.data.total)}
                {points.data.maxPoints !== null && <span className="stat-unit"> / {formatNumber(points.data.maxPoints)}</span>}
              </span>
              <span className="stat-label">Total</span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="points-level">
                {points.data.level ? points.data.level.name : <span className="muted">None</span>}
              </span>
              <span className="stat-label">Level</span>
            </div>
          </div>
          {points.data.awards.length === 0 ? (
            <p className="muted">No awards yet.</p>
          ) : (
            // A list, not a table: four columns do not fit a phone, and a table that scrolls sideways hides the time.
            <ol className="award-list" aria-label={`Latest ${system.name} awards`}>
              {points.data.awards.map((award) => (
                <li key={award.id} className="award" data-testid="award-row">
                  <div className="award-line">
                    <span className="award-points">{signedPoints(award.awarded)}</span>
                    <span className="award-trigger">{describeAwardTrigger(award.trigger)}</span>
                  </div>
                  {award.boosts.length > 0 && (
                    <div className="award-boosts">
                      {award.boosts.map((boost) => (
                        <Badge key={boost.id} tone="info">
                          {boost.name} ×{formatNumber(boost.multiplier)}
                        </Badge>
                      ))}
                    </div>
                  )}
                  <div className="cell-sub">
                    <RelativeTime iso={award.date} /> · total after: {formatNumber(award.total)}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
