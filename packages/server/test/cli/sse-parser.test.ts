import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, type SseEvent } from '../../src/cli/sse-parser.js';

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const positions: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({
    onEvent: (event) => events.push(event),
    onComment: (text) => comments.push(text),
    onPosition: (id) => positions.push(id),
    onRetry: (ms) => retries.push(ms),
  });
  for (const chunk of chunks) parser.push(chunk);
  return { events, comments, positions, retries, lastEventId: parser.lastEventId };
}

const stream = 'retry: 1000\n\n: listening\n\nid: 0\n\nid: a\nevent: streak.lost\ndata: {"type":"streak.lost"}\n\n: heartbeat\n\nid: b\nevent: points.changed\ndata: {"x":1}\n\n';

test('messages, comments, positions and retry, in order', () => {
  const result = parse([stream]);
  assert.deepEqual(result.events, [
    { id: 'a', event: 'streak.lost', data: '{"type":"streak.lost"}' },
    { id: 'b', event: 'points.changed', data: '{"x":1}' },
  ]);
  assert.deepEqual(result.comments, ['listening', 'heartbeat']);
  assert.deepEqual(result.positions, ['0']);
  assert.deepEqual(result.retries, [1000]);
  assert.equal(result.lastEventId, 'b');
});

test('the same result however the text is split, with any line ending', () => {
  const expected = parse([stream]).events;
  for (const ending of ['\n', '\r\n', '\r']) {
    const text = stream.replace(/\n/g, ending);
    for (let size = 1; size <= 7; size += 1) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      assert.deepEqual(parse(chunks).events, expected, `${JSON.stringify(ending)} in chunks of ${size}`);
    }
  }
});

test('multi-line data joins with newlines; an event without a type is a "message"; unknown fields and a trailing partial message are ignored', () => {
  const { events } = parse(['data: one\ndata:two\nfoo: bar\n\nid: x\ndata: partial']);
  assert.deepEqual(events, [{ id: '', event: 'message', data: 'one\ntwo' }]);
});
