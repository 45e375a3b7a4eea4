import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Config, LogFormat, Mode } from '../config/config.js';

// Request bodies (passwords) are never logged; headers that carry credentials are redacted if a
// request is. pino redacts before the line reaches the stream, so both formats are covered.
const REDACT = ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'];

/**
 * Human-readable lines for someone watching a terminal in development; JSON everywhere else, where
 * a log collector or a pipe reads them. LOG_FORMAT, when set, wins.
 */
export function chooseLogFormat({ mode, isTTY, override }: { mode: Mode; isTTY: boolean; override: LogFormat | undefined }): LogFormat {
  return override ?? (mode === 'development' && isTTY ? 'pretty' : 'json');
}

type Destination = NodeJS.WritableStream & { isTTY?: boolean };

/** The process's logger, writing to stdout unless `destination` is given (tests). */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat' | 'mode'>, destination: Destination = process.stdout): Logger {
  const isTTY = destination.isTTY === true;
  const options = { level: config.logLevel, redact: REDACT };
  if (chooseLogFormat({ mode: config.mode, isTTY, override: config.logFormat }) === 'json') {
    // pino's own stdout writer (sonic-boom) unless a test hands in a stream.
    return destination === process.stdout ? pino(options) : pino(options, destination);
  }
  // Formatted in the logging call itself (pino-pretty's stream form is asynchronous), so the last
  // lines before process.exit are not lost.
  const prettify = prettyFactory({ colorize: isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(options, { write: (line: string) => void destination.write(prettify(line)) });
}
