// POST /api/trophy-webhooks: the handler from Trophy's docs, made safe, without the SDK. It checks
// X-Trophy-Signature, the base64 HMAC-SHA256 of the raw body under the whole secret, which Laurel
// sends exactly as Trophy does. Prefer ../webhooks/route.ts: this header has no timestamp, so
// nothing stops a captured request from being replayed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEvent } from '@laurel/webhooks'; // types only: nothing of the SDK runs here

export async function POST(request: Request): Promise<Response> {
  const body = await request.text(); // raw text: never JSON.stringify(await request.json())
  const expected = Buffer.from(createHmac('sha256', process.env.LAUREL_WEBHOOK_SECRET!).update(body).digest('base64'));
  const given = Buffer.from(request.headers.get('x-trophy-signature') ?? '');
  // Constant-time: `===` would leak how many leading characters of a forgery are right.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return new Response('Invalid signature', { status: 403 });
  }

  const event = JSON.parse(body) as WebhookEvent;
  switch (event.type) {
    case 'achievement.completed':
      console.log(`verified achievement.completed: ${event.user.id} earned "${event.achievement.name}"`);
      break;
    case 'points.changed':
      console.log(`verified points.changed: ${event.user.id} has ${event.points.total} points`);
      break;
    default:
      console.log(`verified ${event.type}: not handled here`);
  }
  return new Response(null, { status: 200 });
}
