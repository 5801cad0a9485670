import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** The request time-out configured for this test: short, so that the test is quick. */
const REQUEST_TIMEOUT_MS = 1_500;
/** How long the test waits for the server to give up: far beyond the time-out, so a busy machine cannot fail it. */
const GENEROUS_BOUND_MS = 25_000;
/** Sending pace of the slow client: one byte this often (the connection is never idle for long). */
const BYTE_EVERY_MS = 200;

interface Outcome {
  /** What the server sent before the connection ended ('' when it only closed it). */
  answer: string;
  /** Milliseconds from the first byte sent to the end of the connection. */
  elapsedMs: number;
}

/**
 * Sends `head` and then `trickle` one byte every BYTE_EVERY_MS; resolves when the server ends the connection,
 * rejects when it has not after GENEROUS_BOUND_MS.
 */
function sendSlowly(port: number, head: string, trickle: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const bound = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server still held the connection after ${GENEROUS_BOUND_MS} ms (answered ${JSON.stringify(answer)})`));
    }, GENEROUS_BOUND_MS);
    const finish = () => {
      clearInterval(timer);
      clearTimeout(bound);
      resolve({ answer, elapsedMs: Date.now() - started });
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < trickle.length && !socket.destroyed) socket.write(trickle.charAt(sent++));
      }, BYTE_EVERY_MS);
    });
  });
}

/** A request whose body or headers arrive one byte at a time is cut off with 408 after the configured time-out. */
describe('slow requests', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', config: { requestTimeoutMs: REQUEST_TIMEOUT_MS, headersTimeoutMs: REQUEST_TIMEOUT_MS } });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
  });

  it('a body sent one byte at a time ends with 408', async () => {
    // 1,000 bytes at 5 per second would take more than 3 minutes.
    const body = `grant_type=client_credentials&pad=${'x'.repeat(965)}`;
    const head = `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, elapsedMs } = await sendSlowly(port, head, body);
    console.log(`slow body cut off after ${elapsedMs} ms (request time-out ${REQUEST_TIMEOUT_MS} ms)`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const json = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(json)).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) as string });
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
  });

  it('headers sent one byte at a time end with 408', async () => {
    const headers = `X-Slow: ${'y'.repeat(1000)}\r\n\r\n`;
    const { answer, elapsedMs } = await sendSlowly(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', headers);
    console.log(`slow headers cut off after ${elapsedMs} ms`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an ordinary request on the same server is answered', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
