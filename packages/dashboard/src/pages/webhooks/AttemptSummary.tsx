import type { Attempt } from '../../api/webhooks';
import { formatLatency } from './format';

/** "200 · 34 ms", or the kind of failure when no response came back. */
export function AttemptSummary({ attempt }: { attempt: Attempt | null }) {
  if (!attempt) return <span className="muted">not attempted yet</span>;
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  return (
    <span className="attempt-summary">
      {attempt.statusCode !== null ? (
        <span className={`http-status ${ok ? 'http-ok' : 'http-error'}`}>{attempt.statusCode}</span>
      ) : (
        <span className="http-status http-error">{attempt.errorKind ?? 'error'}</span>
      )}
      <span className="muted"> · {formatLatency(attempt.latencyMs)}</span>
    </span>
  );
}
