import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { chooseLogFormat, createLogger } from '../../src/observability/logger.js';

test('pretty only for development on a terminal; LOG_FORMAT overrides either way', () => {
  const cases = [
    [{ mode: 'development', isTTY: true, override: undefined }, 'pretty'],
    [{ mode: 'development', isTTY: false, override: undefined }, 'json'],
    [{ mode: 'production', isTTY: true, override: undefined }, 'json'],
    [{ mode: 'production', isTTY: false, override: undefined }, 'json'],
    [{ mode: 'development', isTTY: true, override: 'json' }, 'json'],
    [{ mode: 'production', isTTY: false, override: 'pretty' }, 'pretty'],
  ] as const;
  for (const [input, format] of cases) assert.equal(chooseLogFormat(input), format, JSON.stringify(input));
});

/** What a logger of this format writes for one request log with credentials in its headers. */
function logOnce(logFormat: 'pretty' | 'json'): string {
  const out = new PassThrough();
  let written = '';
  out.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const logger = createLogger({ logLevel: 'info', logFormat, mode: 'development' }, out);
  logger.info({ req: { headers: { 'x-api-key': 'dev_abcd1234.SECRETSECRETSECRETSECRET', cookie: 'laurel_session=SESSIONTOKEN' } } }, 'a request');
  return written;
}

test('both formats redact credentials; pretty is lines for people, json one object a line', () => {
  const pretty = logOnce('pretty');
  const json = logOnce('json');
  for (const written of [pretty, json]) {
    assert.doesNotMatch(written, /SECRETSECRET|SESSIONTOKEN/);
    assert.match(written, /\[Redacted\]/);
  }
  assert.match(pretty, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: a request\n/);
  assert.throws(() => JSON.parse(pretty));
  const record = JSON.parse(json);
  assert.equal(record.msg, 'a request');
  assert.equal(record.req.headers['x-api-key'], '[Redacted]');
});
