import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { createHttpSender, type AttemptOutcome } from '../delivery/http-sender.js';
import { directTransport } from '../delivery/transport.js';
import { VERSION } from '../version.js';
import { generateWebhookSecret } from '../webhooks/generate-secret.js';
import { CliError, USAGE } from './cli-error.js';
import { cliConfigPath, readCliConfig, updateCliConfig } from './cli-config.js';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.js';
import { readEventStream } from './event-stream-reader.js';
import { createForwardReporter } from './forward-reporter.js';
import { parseEventTypes } from './event-type-option.js';

/** A local receiver that takes longer than this is reported as a timeout; the next event waits for it. */
const FORWARD_TIMEOUT_MS = 10_000;
const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/;

interface ListenOptions extends ConnectionOptions {
  forwardTo?: string;
  events?: string[];
  secret?: string;
  printSecret?: boolean;
  json?: boolean;
}

/**
 * `laurel listen`: the environment's webhook events, read from the server over a connection
 * the CLI opens (so the server never has to reach this machine), forwarded one at a time to a
 * local URL with the same body and fresh signatures under a local secret.
 */
export function listenCommand(program: Command): void {
  const command = program
    .command('listen')
    .description('forward the webhook events of a running Laurel to a local URL, signed with a local secret')
    .addOption(new Option('-f, --forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/api/webhooks'))
    .addOption(new Option('--events <types>', 'only these event types, comma-separated (default: all)').argParser(parseEventTypes))
    .addOption(
      new Option('--secret <whsec>', `sign with this secret instead of the CLI's own (made once and kept in ${cliConfigPath()})`).env('LAUREL_LISTEN_SECRET'),
    )
    .option('--print-secret', 'print the signing secret and exit')
    .option('--json', 'one JSON object per event instead of a line of text');
  addConnectionOptions(command)
    .addHelpText(
      'after',
      `
Each event is POSTed with its exact body and the headers a Laurel webhook sends
(X-Trophy-Signature, webhook-id = the event id, webhook-timestamp, webhook-signature),
signed with the secret printed at start. One line per event on stdout: time, type,
the local answer and its latency. Status lines go to stderr. Lost connections are
retried and resume where they stopped, so events emitted while the server restarts
arrive afterwards. Failed forwards are reported, not retried. What your receiver
answered is also reported to the server, so laurel trigger can show this session.

Examples:
  laurel listen --forward-to http://localhost:3000/api/webhooks
  laurel listen -f http://localhost:3000/api/webhooks --events streak.lost,streak.extended
  laurel listen -f http://localhost:3000/hooks --server https://laurel.example.com --api-key $KEY
  export LAUREL_WEBHOOK_SECRET=$(laurel listen --print-secret)`,
    )
    .action((options: ListenOptions) => listen(options));
}

async function listen(options: ListenOptions): Promise<void> {
  const secret = await signingSecret(options.secret);
  if (options.printSecret) {
    console.log(secret);
    return;
  }
  if (!options.forwardTo) throw new CliError('--forward-to <url> is required (or --print-secret)', USAGE);
  const target = parseTarget(options.forwardTo);
  const status = (line: string) => console.error(line);
  const { client, environment } = await connect(options, status);
  // One session for the whole run: a reconnect continues it, so laurel trigger keeps seeing it.
  const session = { id: randomUUID(), forwardTo: target };
  const reporter = createForwardReporter(client, session.id, status);

  const transport = directTransport(createHttpSender({ policy: null, connectionsPerOrigin: 1 }));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let everOpened = false;
  try {
    const events = readEventStream({
      client,
      types: options.events,
      session,
      signal: stop.signal,
      onOpen: ({ resumedAfter }) => {
        if (!everOpened) {
          everOpened = true;
          status(`Ready. Forwarding ${environment ? `"${environment}" ` : ''}events${options.events ? ` (${options.events.join(', ')})` : ''} from ${client.server} to ${target} (listen session ${session.id.slice(0, 8)})`);
          status(`Signing secret: ${secret}  (verify with it in your receiver)`);
          status('Ctrl-C to stop.');
        } else status(`Reconnected${resumedAfter ? `; resuming after event ${resumedAfter}` : ''}.`);
      },
      onLost: ({ reason, retryInMs }) => status(`Lost the connection to ${client.server} (${reason}); reconnecting in ${(retryInMs / 1000).toFixed(1)} s...`),
    });
    for await (const event of events) {
      const startedAt = new Date();
      const { outcome } = await transport.send({
        url: target,
        timeoutMs: FORWARD_TIMEOUT_MS,
        deliveryId: event.id,
        eventType: event.event,
        timestamp: Math.floor(startedAt.getTime() / 1000),
        body: event.data,
        secrets: [secret],
        userAgent: `Laurel-Webhooks/${VERSION}`,
      });
      console.log(options.json ? JSON.stringify(jsonLine(startedAt, event.id, event.event, outcome)) : textLine(startedAt, event.id, event.event, outcome));
      reporter.report(event.id, outcome);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await transport.close();
  }
}

/** --secret, else the one kept in the config file, else a new one that is kept from now on. */
async function signingSecret(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (!SECRET_FORMAT.test(given)) throw new CliError('--secret must look like whsec_ followed by base64 (as Laurel makes them)', USAGE);
    return given;
  }
  const stored = (await readCliConfig()).listenSecret;
  if (stored && SECRET_FORMAT.test(stored)) return stored;
  const secret = generateWebhookSecret();
  await updateCliConfig({ listenSecret: secret });
  return secret;
}

function parseTarget(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CliError(`--forward-to must be an http or https URL, like http://localhost:3000/api/webhooks (got "${value}")`, USAGE);
  }
  return url.toString();
}

function textLine(at: Date, eventId: string, type: string, outcome: AttemptOutcome): string {
  const time = at.toTimeString().slice(0, 8);
  const answer = outcome.kind === 'response' ? String(outcome.status) : `${outcome.error}: ${outcome.message}`;
  return `${time}  ${type.padEnd(26)}  ${answer.padEnd(3)}  ${Math.round(outcome.latencyMs)} ms  ${eventId}`;
}

function jsonLine(at: Date, eventId: string, type: string, outcome: AttemptOutcome) {
  return {
    time: at.toISOString(),
    eventId,
    type,
    status: outcome.kind === 'response' ? outcome.status : null,
    error: outcome.kind === 'error' ? `${outcome.error}: ${outcome.message}` : null,
    latencyMs: Math.round(outcome.latencyMs),
  };
}
