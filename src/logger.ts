import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Secrets never reach a log line: request lines carry no headers or URLs, and these paths
 * are censored wherever they appear in case a future line carries an object that holds one.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'headers.authorization', 'authorization',
  'token', 'key', 'secret', '*.token', '*.key', '*.secret', 'body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
