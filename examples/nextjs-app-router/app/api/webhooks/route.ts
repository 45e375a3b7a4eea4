// POST /api/webhooks: Laurel's webhooks (and Trophy's) in a Next.js App Router app.
import { verify, WebhookVerificationError, type WebhookEvent } from '@laurel/webhooks';

export async function POST(request: Request): Promise<Response> {
  let event: WebhookEvent;
  try {
    // The raw text, read before anything parses it: the signature covers these exact bytes.
    // verify() compares in constant time, and checks webhook-signature's timestamp (5 minutes
    // either way) so a captured request cannot be replayed later.
    event = await verify(await request.text(), request.headers, process.env.LAUREL_WEBHOOK_SECRET!);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    console.error(`refused a webhook: ${error.code}: ${error.message}`);
    // 403 for a request that is not genuine, as Trophy's docs advise. 500 when this app is set
    // up wrongly (LAUREL_WEBHOOK_SECRET unset or mangled): Laurel keeps retrying until it is fixed.
    return Response.json({ error: error.code }, { status: error.status >= 500 ? 500 : 403 });
  }

  switch (event.type) {
    case 'achievement.completed':
      console.log(`verified achievement.completed: ${event.user.id} earned "${event.achievement.name}"`);
      break;
    case 'streak.extended':
      console.log(`verified streak.extended: ${event.user.id} has a ${event.streak.frequency} streak of ${event.streak.length}`);
      break;
    case 'streak.lost':
      console.log(`verified streak.lost: ${event.user.id} lost a streak of ${event.length}`);
      break;
    default:
      // Answer 2xx to types you do not handle (a newer Laurel may send new ones), or Laurel retries.
      console.log(`verified ${event.type}: not handled here`);
  }
  return Response.json({ received: true });
}
