import type { Command } from 'commander';
import type { DeliveryDetail } from '../delivery/delivery-log.js';
import { eventTypes, type EventType } from '../events/event-types.js';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.js';
import { addWaitOptions, describeAttempt, succeeded, waitForAttempt } from './delivery-outcome.js';
import { parseEventType } from './event-type-option.js';
import { testWebhook } from './webhooks.js';

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

/**
 * `laurel trigger TYPE`: a realistic sample event. Without --webhook it is emitted into the
 * environment like a real event, so every enabled webhook subscribed to the type gets it and so
 * does every `laurel listen`; with --webhook it is that webhook's "send test event".
 */
export function triggerCommand(program: Command): void {
  const command = program
    .command('trigger')
    .description('send a realistic sample event of a type to the subscribed webhooks and to laurel listen')
    .argument('<type>', 'event type, e.g. achievement.completed', parseEventType)
    .option('--webhook <id>', 'send it to this webhook only, subscribed or not (its "send test event")')
    .option('--json', 'print {eventId, type, deliveries} as JSON, each delivery as the delivery log shows it');
  addConnectionOptions(addWaitOptions(command))
    .addHelpText('after', `\nEvent types: ${eventTypes.join(', ')}`)
    .action(async (type: EventType, options: TriggerOptions) => {
      const { client } = await connect(options, (line) => console.error(line));
      let eventId: string;
      let deliveries: DeliveryDetail[];
      if (options.webhook) {
        const detail = await testWebhook(client, options.webhook, type, options.wait);
        eventId = detail.eventId;
        deliveries = [detail];
      } else {
        const emitted = await client.request<EmittedEvent>('POST', '/admin/v1/webhook-events/test', { type });
        eventId = emitted.eventId;
        deliveries = await Promise.all(
          emitted.deliveries.map((d) =>
            options.wait === false
              ? client.request<DeliveryDetail>('GET', `/admin/v1/webhooks/${d.webhookId}/deliveries/${d.id}`)
              : waitForAttempt(client, d.webhookId, d.id, options.wait),
          ),
        );
      }
      if (options.json) {
        console.log(JSON.stringify({ eventId, type, deliveries }, null, 2));
      } else {
        console.log(`Triggered ${type} (event ${eventId}).`);
        if (deliveries.length === 0) console.log(`No enabled webhook subscribes to ${type}; laurel listen sessions still receive it.`);
        for (const detail of deliveries) console.log(`  webhook ${detail.webhookId}: ${describeAttempt(detail, options.wait)}`);
      }
      if (options.wait !== false && !deliveries.every(succeeded)) process.exitCode = 1;
    });
}
