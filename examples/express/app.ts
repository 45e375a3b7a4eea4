import express from 'express';
import { expressHandler, idempotency, MemoryStore, type WebhookEvent } from '@laurel/webhooks';

export interface AppOptions {
  /** The webhook's signing secret (whsec_...), or [new, old] while rotating. */
  secret: string | string[];
  /** Where verified events are reported; console.log by default. */
  log?: (line: string) => void;
}

/** An Express app whose POST /webhooks takes Laurel's signed webhooks. */
export function createApp({ secret, log = console.log }: AppOptions): express.Express {
  const app = express();

  // The webhook route comes first and gets the raw body: the signature covers the exact bytes
  // Laurel sent, which express.json() would throw away. expressHandler verifies them, answers
  // 200, 4xx for a request that is not genuine, or 500 if onEvent throws (Laurel then retries).
  app.post(
    '/webhooks',
    express.raw({ type: 'application/json' }),
    expressHandler({
      secret,
      // Laurel delivers at least once: a retry after a lost answer, or a resend, brings the same
      // webhook-id again, and is answered 200 without running onEvent twice. A MemoryStore suits
      // one process; several need a shared store (docs/receiving-webhooks.md#idempotency).
      idempotency: idempotency({ store: new MemoryStore() }),
      onEvent(event, delivery) {
        log(`verified ${describe(event)} (delivery ${delivery.id})`);
      },
    }),
  );

  // The rest of the app parses JSON as usual.
  app.use(express.json());
  return app;
}

function describe(event: WebhookEvent): string {
  switch (event.type) {
    case 'achievement.completed':
      return `achievement.completed: ${event.user.id} earned "${event.achievement.name}"`;
    case 'streak.extended':
      return `streak.extended: ${event.user.id} has a ${event.streak.frequency} streak of ${event.streak.length}`;
    case 'streak.lost':
      return `streak.lost: ${event.user.id} lost a streak of ${event.length}`;
    default:
      // Answer 2xx to types you do not handle (a newer Laurel may send new ones), or Laurel retries.
      return `${event.type}: not handled here`;
  }
}
