// Runs the app: LAUREL_WEBHOOK_SECRET=whsec_... npx tsx examples/express/server.ts (on RECEIVER_PORT, default 3000)
import { createApp } from './app.js';

const secret = process.env.LAUREL_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set LAUREL_WEBHOOK_SECRET to the signing secret: the webhook\'s (dashboard, or laurel webhooks create), ' +
      'or laurel listen\'s (export LAUREL_WEBHOOK_SECRET=$(npx laurel listen --print-secret)).',
  );
  process.exit(1);
}
// Not PORT: that is Laurel's own, and a shell that set it for Laurel would start both on one port.
const port = Number(process.env.RECEIVER_PORT || 3000);
createApp({ secret }).listen(port, () => console.log(`Receiving webhooks at http://localhost:${port}/webhooks`));
