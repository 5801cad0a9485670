import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { requestTimeouts } from '../../src/server/request-timeouts.js';

describe('request time-outs', () => {
  it('by default cut off a slow request well under a minute', () => {
    const options = requestTimeouts(loadConfig({ env: {} }));
    expect(options.requestTimeout).toBe(30_000);
    expect(options.http.headersTimeout).toBe(10_000);
    // Node looks at its connections only every connectionsCheckingInterval: the cut-off comes at most that much later.
    expect(options.requestTimeout + (options.http.connectionsCheckingInterval ?? 30_000)).toBeLessThanOrEqual(31_000);
    expect(options.connectionTimeout).toBe(120_000);
  });

  it('come from the environment, the headers time-out never beyond the request time-out (Node refuses that)', () => {
    const options = requestTimeouts(loadConfig({ env: { GATEHOUSE_REQUEST_TIMEOUT_MS: '5000', GATEHOUSE_HEADERS_TIMEOUT_MS: '20000', GATEHOUSE_CONNECTION_TIMEOUT_MS: '0' } }));
    expect(options).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 0, http: { requestTimeout: 5_000, headersTimeout: 5_000 } });
  });

  it('0 turns the request time-out off and keeps the headers time-out', () => {
    const options = requestTimeouts(loadConfig({ env: { GATEHOUSE_REQUEST_TIMEOUT_MS: '0' } }));
    expect(options).toMatchObject({ requestTimeout: 0, http: { requestTimeout: 0, headersTimeout: 10_000 } });
  });
});
