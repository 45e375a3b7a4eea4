import type { Command } from 'commander';
import { eventTypes, type EventType } from '../events/event-types.js';
import type { AdminClient } from './admin-client.js';
import { CliError } from './cli-error.js';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.js';
import { addWaitOptions } from './delivery-outcome.js';
import { describeDestination, describeFailures, followDestinations, type Destination } from './destinations.js';
import { parseEventType } from './event-type-option.js';

interface TriggerOptions extends ConnectionOptions {
  webhook?: string;
  json?: boolean;
  wait: number | false;
}

/** What `POST /admin/v1/webhook-events/test` answers. */
interface EmittedEvent {
  eventId: string;
  type: EventType;
  deliveries: { id: string; webhookId: string }[];
}

const MARK: Record<Destination['result'], string> = { succeeded: 'ok    ', failed: 'FAILED', queued: 'queued' };

/**
 * `laurel trigger TYPE`: a realistic sample event. Without --webhook it is emitted into the
 * environment like a real event, so every enabled webhook subscribed to the type gets it and so
 * does every `laurel listen`; with --webhook it is that webhook's "send test event". Either way it
 * reports every destination: each webhook's first attempt and each listen session's forward.
 */
export function triggerCommand(program: Command): void {
  const command = program
    .command('trigger')
    .description('send a realistic sample event of a type to the subscribed webhooks and to laurel listen, and report what each answered')
    .argument('<type>', 'event type, e.g. achievement.completed', parseEventType)
    .option('--webhook <id>', 'send it to this webhook only, subscribed or not (its "send test event")')
    .option('--json', 'print {eventId, type, destinations} as JSON: each webhook with its delivery, each listen session with its forward');
  addConnectionOptions(addWaitOptions(command))
    .addHelpText(
      'after',
      `
Prints one line per destination: ok, FAILED or queued (--no-wait), the webhook
(name, URL, id) or laurel listen session (id, where it forwards), and what the
receiver answered. Exits 1 if any destination did not answer 2xx in time.

Event types: ${eventTypes.join(', ')}`,
    )
    .action(async (type: EventType, options: TriggerOptions) => {
      const { client } = await connect(options, (line) => console.error(line));
      const { eventId, deliveries } = options.webhook
        ? await testOne(client, options.webhook, type)
        : await client.request<EmittedEvent>('POST', '/admin/v1/webhook-events/test', { type });
      const destinations = await followDestinations(client, eventId, deliveries, options.wait);
      if (options.json) {
        console.log(JSON.stringify({ eventId, type, destinations }, null, 2));
      } else {
        console.log(`Triggered ${type} (event ${eventId}).`);
        if (destinations.length === 0) {
          console.log(`Nothing received it: no enabled webhook subscribes to ${type}, and no laurel listen is connected to this environment.`);
        }
        for (const destination of destinations) console.log(`  ${MARK[destination.result]}  ${describeDestination(destination, options.wait)}`);
      }
      const failures = describeFailures(destinations);
      if (failures) throw new CliError(failures);
    });
}

/** The webhook's "send test event": one delivery, of an event that listen sessions see as well. */
async function testOne(client: AdminClient, webhookId: string, type: EventType): Promise<Pick<EmittedEvent, 'eventId' | 'deliveries'>> {
  const queued = await client.request<{ id: string; eventId: string }>('POST', `/admin/v1/webhooks/${encodeURIComponent(webhookId)}/test`, { type });
  return { eventId: queued.eventId, deliveries: [{ id: queued.id, webhookId }] };
}
