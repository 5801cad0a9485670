import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/config.js';
import { redactUrl } from '../shared/redact-url.js';

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

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** What a request line says of the request: fastify's fields, with secret query values redacted. */
function requestSerializer(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** How log lines look: `pretty` for a person at a terminal, `json` (one object a line) for everything else. */
export type LogFormat = 'pretty' | 'json';

/** Pretty lines when the stream is a terminal (TTY); JSON lines into files, pipes and log collectors. */
export function logFormatFor(stream: { isTTY?: boolean } | undefined): LogFormat {
  return stream?.isTTY === true ? 'pretty' : 'json';
}

/** A terminal's log lines: level, ISO time (UTC), message, then the fields; written synchronously like pino's own. */
function prettyStream(destination: NodeJS.WritableStream): pino.DestinationStream {
  return pretty({
    destination,
    sync: true,
    colorize: true,
    translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
    ignore: 'pid,hostname,service',
  });
}

/** Logs to `destination` (default stdout): pretty on a terminal, JSON otherwise (see logFormatFor). */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'gatehouse' },
    serializers: { req: requestSerializer },
  };
  const target = destination ?? process.stdout;
  if (logFormatFor(target as { isTTY?: boolean }) === 'pretty') return pino(options, prettyStream(target as NodeJS.WritableStream));
  return destination ? pino(options, destination) : pino(options);
}
