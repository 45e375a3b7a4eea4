import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { FinishedAttempt } from '../../src/delivery/queue/complete.js';

export interface AttemptLog {
  /** Every attempt the worker has recorded so far, oldest first. */
  attempts: FinishedAttempt[];
  /** The attempt numbered `number` of a delivery, once the worker has made and recorded it. */
  attempt(deliveryId: string, number?: number, timeoutMs?: number): Promise<FinishedAttempt>;
}

/** Records a worker's attempts as they are written, for tests that wait on one delivery's outcome. */
export function recordAttempts(worker: DeliveryWorker): AttemptLog {
  const attempts: FinishedAttempt[] = [];
  const waiters = new Set<() => void>();
  worker.on('delivery:attempt', (attempt) => {
    attempts.push(attempt);
    for (const check of [...waiters]) check();
  });
  return {
    attempts,
    attempt(deliveryId, number = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = attempts.find((a) => a.deliveryId === deliveryId && a.number === number);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no attempt ${number} of delivery ${deliveryId} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
