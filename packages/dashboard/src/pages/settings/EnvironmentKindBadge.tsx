import type { EnvironmentKind } from '../../api/console';

/** The kind's colour, the same as the sidebar switcher's: production dark, staging violet, development amber. */
export function EnvironmentKindBadge({ kind }: { kind: EnvironmentKind }) {
  return <span className={`badge badge-kind-${kind}`}>{kind}</span>;
}
