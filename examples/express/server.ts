// Runs the app: LAUREL_WEBHOOK_SECRET=whsec_... npx tsx examples/express/server.ts
import { createApp } from './app.js';

const secret = process.env.LAUREL_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set LAUREL_WEBHOOK_SECRET to the signing secret: the webhook\'s (dashboard, or laurel webhooks create), ' +
      'or laurel listen\'s (export LAUREL_WEBHOOK_SECRET=$(npx laurel listen --print-secret)).',
  );
  process.exit(1);
}
const port = Number(process.env.PORT || 3000);
createApp({ secret }).listen(port, () => console.log(`Receiving webhooks at http://localhost:${port}/webhooks`));
