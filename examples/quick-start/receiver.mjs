import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const secret = process.env.LAUREL_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set LAUREL_WEBHOOK_SECRET to the webhook\'s signing secret (whsec_...) first.');
  process.exit(1);
}
const port = Number(process.env.RECEIVER_PORT || 3000);

createServer((req, res) => {
  // Bytes, not text: the signature covers the exact body, and a chunk can end inside a character.
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64'));
    const given = Buffer.from(String(req.headers['x-trophy-signature'] ?? ''));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      console.log('BAD SIGNATURE: is LAUREL_WEBHOOK_SECRET the secret of the webhook that sent it?');
      return res.writeHead(403).end();
    }
    let event;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      console.log('verified, but the body is not JSON');
      return res.writeHead(400).end();
    }
    console.log('verified', event.type, event.user?.id ?? '');
    res.writeHead(200).end();
  });
}).listen(port, () => console.log(`Receiving webhooks at http://localhost:${port}/webhooks`));
