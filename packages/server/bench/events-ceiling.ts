// The ceiling for the metric-event benchmark, run in its own process (forked by
// events-processes.ts) like Laurel: a bare Fastify server with one route that takes the same
// request as `POST /v1/metrics/{key}/event` (JSON body parsed, shape checked) and answers a small
// JSON 201. Whatever Laurel does beyond this (auth, validation, the transaction, webhooks) is
// what the ratio to this row measures.
import Fastify from 'fastify';

export type FromCeiling = { type: 'listening'; port: number };

const app = Fastify({ logger: false });
let sequence = 0;

app.post<{ Params: { key: string }; Body: { user?: { id?: unknown }; value?: unknown } }>('/v1/metrics/:key/event', async (request, reply) => {
  const { user, value } = request.body ?? {};
  if (typeof user?.id !== 'string' || typeof value !== 'number') return reply.status(400).send({ error: 'bad request' });
  return reply.status(201).send({ eventId: String(++sequence), metricKey: request.params.key, total: value });
});

// The peer of the leaderboard reads (bench/leaderboards.ts): any GET, a small JSON answer.
app.get('/v1/*', async () => ({ ok: true, sequence: ++sequence }));

process.on('message', (msg: { type: 'close' }) => {
  if (msg.type === 'close') void app.close().then(() => process.exit(0));
});
// Never outlive the parent.
process.on('disconnect', () => process.exit(0));

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address && typeof address === 'object') process.send?.({ type: 'listening', port: address.port } satisfies FromCeiling);
