import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'assertion',
  '*.assertion',
  'client_assertion',
  '*.client_assertion',
  'privateKey',
  '*.privateKey',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'gatehouse' } };
  return destination ? pino(options, destination) : pino(options);
}
