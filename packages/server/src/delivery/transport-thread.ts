// The delivery thread: signs and sends the attempts the worker posts, and posts back what happened.
// Runs the same code as the direct transport; only where it runs differs (threaded-transport.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { createHttpSender } from './http-sender.js';
import { createAddressPolicy } from './ssrf-guard.js';
import { directTransport } from './transport.js';
import type { FromThread, ThreadOptions, ToThread } from './threaded-transport.js';

const port = parentPort!;
const options = workerData as ThreadOptions;
const transport = directTransport(
  createHttpSender({ policy: options.policy && createAddressPolicy(options.policy), connectionsPerOrigin: options.connectionsPerOrigin }),
);

let finished: Extract<FromThread, { type: 'results' }>['batch'] = [];
// Results that complete in one turn of the event loop go back in one message.
const post = () => {
  if (finished.length === 0) return;
  port.postMessage({ type: 'results', batch: finished } satisfies FromThread);
  finished = [];
};

let inFlight = 0;
let closing = false;
// Once asked to close and nothing is in flight: report the last results, then end the thread.
const closeWhenIdle = () => {
  if (!closing || inFlight > 0) return;
  if (finished.length > 0) post();
  void transport.close().finally(() => port.close());
};

port.on('message', (message: ToThread) => {
  if (message.type === 'close') {
    closing = true;
    return closeWhenIdle();
  }
  for (const { id, request } of message.batch) {
    inFlight++;
    void transport
      .send(request)
      // Sending never throws; signing can (no secret). That fails this attempt, not the thread.
      .catch((error: unknown) => ({ outcome: { kind: 'error', error: 'connection', message: String(error), latencyMs: 0 }, requestHeaders: {} }) as const)
      .then((result) => {
        inFlight--;
        if (finished.push({ id, result }) === 1) setImmediate(post);
        closeWhenIdle();
      });
  }
});
