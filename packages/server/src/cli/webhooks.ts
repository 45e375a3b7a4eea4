import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DeliveryDetail } from '../delivery/delivery-log.js';
import type { EventType } from '../events/event-types.js';
import type { Webhook } from '../webhooks/webhook-store.js';
import type { AdminClient } from './admin-client.js';
import { CliError, USAGE } from './cli-error.js';
import { addConnectionOptions, connect, type ConnectionOptions } from './connection.js';
import { addWaitOptions, describeAttempt, succeeded, waitForAttempt } from './delivery-outcome.js';
import { parseEventType, parseEventTypes } from './event-type-option.js';

interface Json {
  json?: boolean;
}
type WaitOption = { wait: number | false };

const status = (line: string) => console.error(line);
const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** `laurel webhooks list|create|secret|delete|test`: the webhook routes of the Admin API, for people and scripts. */
export function webhooksCommand(program: Command): void {
  const webhooks = program.command('webhooks').description("manage the environment's webhooks over the Admin API");

  addConnectionOptions(
    webhooks
      .command('list')
      .description('list webhooks, oldest first')
      .option('--json', 'print the webhooks as a JSON array'),
  ).action(async (options: ConnectionOptions & Json) => {
    const { client } = await connect(options, status);
    const all = await listAll(client);
    if (options.json) return printJson(all);
    if (all.length === 0) return console.log('No webhooks in this environment.');
    printTable(
      ['ID', 'NAME', 'STATE', 'URL', 'EVENTS'],
      all.map((w) => [w.id, w.name, w.enabled ? 'enabled' : 'disabled', w.url, w.events.join(',')]),
    );
  });

  addConnectionOptions(
    webhooks
      .command('create')
      .description('create a webhook; its signing secret is printed once here')
      .requiredOption('--url <url>', 'where deliveries are POSTed')
      .requiredOption('--events <types>', 'event types to subscribe to, comma-separated, or "all"', parseEventTypes)
      .option('--name <name>', 'a label (default: the URL\'s host and path)')
      .option('--disabled', 'create it disabled')
      .addOption(new Option('--timeout-ms <ms>', "attempt timeout, 1000-60000 (default: the server's)").argParser(parseInteger))
      .option('--json', 'print the created webhook, secret included, as JSON')
      .option('-q, --quiet', 'print only the id, for WEBHOOK_ID=$(...); laurel webhooks secret ID prints the secret'),
  ).action(async (options: ConnectionOptions & Json & { url: string; events: EventType[]; name?: string; disabled?: boolean; timeoutMs?: number; quiet?: boolean }) => {
    const { client } = await connect(options, status);
    const item = {
      name: options.name ?? defaultName(options.url),
      url: options.url,
      events: options.events,
      enabled: !options.disabled,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    const { created } = await client.request<{ created: (Webhook & { secret: string })[] }>('POST', '/admin/v1/webhooks', [item]);
    const webhook = created[0]!;
    if (options.json) return printJson(webhook);
    if (options.quiet) return console.log(webhook.id);
    console.log(`Created webhook "${webhook.name}" ${webhook.id}${webhook.enabled ? '' : ' (disabled)'}`);
    console.log(`Signing secret: ${webhook.secret}`);
  });

  addConnectionOptions(
    webhooks
      .command('secret')
      .description("print a webhook's current signing secret (the dashboard's Reveal secret)")
      .argument('<id>', 'webhook id')
      .option('--json', 'print {secret, previousSecrets} as JSON, with the secrets still signing after a rotation'),
  ).action(async (id: string, options: ConnectionOptions & Json) => {
    const { client } = await connect(options, status);
    const info = await client.request<{ secret: string; previousSecrets: { secret: string; expires: string }[] }>('GET', `/admin/v1/webhooks/${encodeURIComponent(id)}/secret`);
    if (options.json) return printJson(info);
    console.log(info.secret);
  });

  addConnectionOptions(
    webhooks
      .command('delete')
      .description('delete webhooks with their delivery logs: by id, or every one that delivers to a URL')
      .argument('[ids...]', 'webhook ids')
      .option('--url <url>', 'delete every webhook whose URL is exactly this one (none is not an error)')
      .option('--json', 'print the API answer ({deleted, issues}) as JSON'),
  ).action(async (given: string[], options: ConnectionOptions & Json & { url?: string }) => {
    if ((given.length > 0) === (options.url !== undefined)) throw new CliError('give webhook ids or --url URL, not both', USAGE);
    const { client } = await connect(options, status);
    const url = options.url?.trim();
    const ids = url === undefined ? given : (await listAll(client)).filter((webhook) => webhook.url === url).map((webhook) => webhook.id);
    if (ids.length === 0) {
      if (options.json) return printJson({ deleted: [], issues: [] });
      return console.log(`No webhook delivers to ${url}.`);
    }
    const answer = await client.request<{ deleted: { id: string }[]; issues: { id?: string; message: string }[] }>(
      'DELETE',
      `/admin/v1/webhooks?ids=${ids.map(encodeURIComponent).join(',')}`,
    );
    if (options.json) printJson(answer);
    else for (const { id } of answer.deleted) console.log(`Deleted webhook ${id}`);
    if (answer.issues.length > 0) throw new CliError(answer.issues.map((issue) => `${issue.message}: ${issue.id ?? ''}`).join('; '));
  });

  addConnectionOptions(
    addWaitOptions(
      webhooks
        .command('test')
        .description('send a sample event to one webhook, whether or not it subscribes to the type, and report the attempt')
        .argument('<id>', 'webhook id')
        .option('--type <type>', 'event type of the sample (default: the first type the webhook subscribes to)', parseEventType)
        .option('--json', 'print the delivery (as GET .../deliveries/{id} shows it) as JSON'),
    ),
  ).action(async (id: string, options: ConnectionOptions & Json & WaitOption & { type?: EventType }) => {
    const { client } = await connect(options, status);
    const type = options.type ?? (await client.request<Webhook>('GET', `/admin/v1/webhooks/${encodeURIComponent(id)}`)).events[0]!;
    const detail = await testWebhook(client, id, type, options.wait);
    if (options.json) printJson(detail);
    else console.log(`${type} to webhook ${id} (delivery ${detail.id}): ${describeAttempt(detail, options.wait)}`);
    if (options.wait !== false && !succeeded(detail)) process.exitCode = 1;
  });
}

/** "Send test event" for one webhook, then its first attempt (unless `wait` is false). */
export async function testWebhook(client: AdminClient, webhookId: string, type: EventType, wait: number | false): Promise<DeliveryDetail> {
  const queued = await client.request<DeliveryDetail>('POST', `/admin/v1/webhooks/${encodeURIComponent(webhookId)}/test`, { type });
  return wait === false ? queued : waitForAttempt(client, webhookId, queued.id, wait);
}

async function listAll(client: AdminClient): Promise<Webhook[]> {
  const all: Webhook[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = await client.request<Webhook[]>('GET', `/admin/v1/webhooks?limit=100&skip=${skip}`);
    all.push(...page);
    if (page.length < 100) return all;
  }
}

function defaultName(url: string): string {
  if (!URL.canParse(url)) return url.slice(0, 255) || 'webhook';
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`.slice(0, 255);
}

function parseInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('give a whole number');
  return Number(value);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
}
