import type { ServerOptions } from 'node:http';
import type { GatehouseConfig } from '../config/config.js';

/** Node checks its request and headers time-outs this often at most (its default, 30 s, would let a 30 s limit run to a minute). */
const LONGEST_CHECK_INTERVAL_MS = 1_000;

/**
 * The fastify (and Node HTTP server) options that cut off slow clients: a request must arrive whole
 * (headers and body) within `requestTimeoutMs` and its headers within `headersTimeoutMs` (408, then the
 * connection is closed), and a connection with a request under way is closed after `connectionTimeoutMs`
 * without any traffic. Without them a client sending its body a byte every few seconds holds its
 * connection, and the memory of its request, forever.
 */
export function requestTimeouts(config: Pick<GatehouseConfig, 'requestTimeoutMs' | 'headersTimeoutMs' | 'connectionTimeoutMs'>): {
  requestTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  const requestTimeout = config.requestTimeoutMs;
  // Node refuses a headers time-out longer than the request time-out.
  const headersTimeout = requestTimeout > 0 ? Math.min(config.headersTimeoutMs, requestTimeout) : config.headersTimeoutMs;
  const shortest = requestTimeout > 0 ? Math.min(requestTimeout, headersTimeout) : headersTimeout;
  return {
    requestTimeout,
    connectionTimeout: config.connectionTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout,
      // A few checks within the shortest time-out, so that a request is cut off close to its limit.
      connectionsCheckingInterval: Math.max(100, Math.min(LONGEST_CHECK_INTERVAL_MS, Math.floor(shortest / 4))),
    },
  };
}
