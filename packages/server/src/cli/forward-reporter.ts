import type { AttemptOutcome } from '../delivery/http-sender.js';
import type { AdminClient } from './admin-client.js';

/** The server keeps this much of an error message. */
const MAX_ERROR_LENGTH = 1000;

export interface ForwardReporter {
  /** Queues the report of one forward; never throws and never holds up the next forward. */
  report(eventId: string, outcome: AttemptOutcome): void;
}

/**
 * Tells the server what the local receiver answered for each event (`PUT
 * /admin/v1/webhook-events/{id}/listeners/{session}`), so that `laurel trigger` reports this
 * session beside the webhooks. Reports go one at a time in the background. When they start
 * failing, that is said once on stderr, and again when they work again.
 */
export function createForwardReporter(client: AdminClient, sessionId: string, status: (line: string) => void): ForwardReporter {
  let queue = Promise.resolve();
  let failing = false;
  return {
    report(eventId, outcome) {
      const body =
        outcome.kind === 'response'
          ? { statusCode: outcome.status, error: null, latencyMs: Math.round(outcome.latencyMs) }
          : { statusCode: null, error: `${outcome.error}: ${outcome.message}`.slice(0, MAX_ERROR_LENGTH), latencyMs: Math.round(outcome.latencyMs) };
      const path = `/admin/v1/webhook-events/${encodeURIComponent(eventId)}/listeners/${encodeURIComponent(sessionId)}`;
      queue = queue.then(
        () =>
          client.request('PUT', path, body).then(
            () => {
              if (!failing) return;
              failing = false;
              status('Reporting forwards to the server works again.');
            },
            (error: unknown) => {
              if (failing) return;
              failing = true;
              status(`Could not report a forward to ${client.server} (${(error as Error).message}); laurel trigger will not see what your receiver answered until this works.`);
            },
          ),
      );
    },
  };
}
