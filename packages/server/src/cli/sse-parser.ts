/**
 * A Server-Sent Events parser (the "event stream interpretation" of the HTML standard,
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * feed it text chunks as they arrive, split anywhere, and it calls back once per complete
 * message. Comment lines (heartbeats) are reported too, so a reader can tell a quiet stream
 * from a dead one.
 */
export interface SseEvent {
  /** The last id seen on the stream so far (ids persist across messages, as in EventSource). */
  id: string;
  event: string;
  data: string;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  onComment?(text: string): void;
  /** A message with an id field and no data: the stream's position moved without an event. */
  onPosition?(id: string): void;
  onRetry?(ms: number): void;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastId = '';
  private idInMessage = false;
  /** A chunk ended with \r: a \n starting the next one belongs to the same line break. */
  private pendingCr = false;

  constructor(private readonly handlers: SseHandlers) {}

  /** The last id field seen, with or without data: where an EventSource would resume. */
  get lastEventId(): string {
    return this.lastId;
  }

  push(chunk: string): void {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) return;
      // A trailing \r may be the first half of \r\n: treat it as the break, and skip the \n if it follows.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.handlers.onComment?.(line.slice(1).trimStart());
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) {
          this.lastId = value;
          this.idInMessage = true;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored.
    }
  }

  private dispatch(): void {
    const data = this.data;
    const type = this.eventType;
    const hadId = this.idInMessage;
    this.data = [];
    this.eventType = '';
    this.idInMessage = false;
    if (data.length === 0) {
      if (hadId) this.handlers.onPosition?.(this.lastId);
      return;
    }
    this.handlers.onEvent({ id: this.lastId, event: type || 'message', data: data.join('\n') });
  }
}
