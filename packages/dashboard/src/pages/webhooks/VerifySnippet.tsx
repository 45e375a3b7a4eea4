import { CopyButton } from '../../ui/misc';

// Trophy's check, which every delivery passes (docs/webhooks.md, "Verifying a request").
const snippet = `import { createHmac, timingSafeEqual } from 'node:crypto';

// rawBody: the request body as received (a Buffer), before any JSON parsing,
// e.g. express.raw({ type: 'application/json' }) instead of express.json().
export function isFromLaurel(rawBody, headers) {
  const secret = process.env.LAUREL_WEBHOOK_SECRET; // the whole "whsec_..." string
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('base64'));
  const given = Buffer.from(String(headers['x-trophy-signature'] ?? ''));
  // Constant-time comparison, so the signature cannot be guessed byte by byte.
  return expected.length === given.length && timingSafeEqual(expected, given);
}`;

/** How a receiver checks X-Trophy-Signature, ready to paste. */
export function VerifySnippet() {
  return (
    <div className="snippet">
      <div className="snippet-header">
        <span>
          Verify <code>X-Trophy-Signature</code> in Node.js
        </span>
        <CopyButton value={snippet} label="Copy code" />
      </div>
      <pre className="code-block snippet-code">{snippet}</pre>
    </div>
  );
}
