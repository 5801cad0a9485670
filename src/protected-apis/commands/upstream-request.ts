import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { DestinationRefused, guardedLookup, isAllowedLiteral } from './upstream-destination.js';

/** Why a call to the upstream system gave no usable answer. */
export class UpstreamFailure extends Error {
  override name = 'UpstreamFailure';

  constructor(
    readonly kind: 'unreachable' | 'refused' | 'too_large',
    reason: string,
  ) {
    super(reason);
  }
}

/** What the upstream system answered: its status, headers (as Node parsed them) and the body's bytes. */
export interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One call to an upstream system. */
export interface UpstreamCall {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  signal: AbortSignal;
}

/** What went wrong with a connection, for the log (a failed connection to every address of a name is an AggregateError without a message). */
function reasonOf(error: Error & { code?: string }): string {
  const messages = error instanceof AggregateError ? (error.errors as Error[]).map((each) => each.message) : [error.message];
  return messages.filter((message) => message !== '').join('; ') || error.code || error.name;
}

/** How one command reaches its upstream: its connection pools, whose sockets only ever connect to allowed addresses. */
export class UpstreamClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly allows: (address: string) => boolean,
    /** The most bytes of response body read; beyond, the call is aborted. */
    private readonly maxResponseBytes: number,
  ) {
    const lookup = guardedLookup(allows);
    this.httpAgent = new http.Agent({ keepAlive: true, lookup });
    this.httpsAgent = new https.Agent({ keepAlive: true, lookup });
  }

  /** Closes the pooled connections (a client made for one call: the admin API's try). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Makes the call and reads the body up to the size limit (the declared Content-Length first, then the bytes as
   * they arrive). Redirects are not followed: they could carry the configured headers (API keys) to another host.
   */
  request(url: URL, options: UpstreamCall): Promise<UpstreamAnswer> {
    return new Promise<UpstreamAnswer>((resolve, reject) => {
      if (!isAllowedLiteral(url, this.allows)) {
        reject(new UpstreamFailure('refused', new DestinationRefused(url.hostname, [url.hostname]).message));
        return;
      }
      const headers = { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }) };
      const agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: options.method, headers, agent, signal: options.signal });
      const tooLarge = (size: string) => {
        request.destroy();
        reject(new UpstreamFailure('too_large', `the response body (${size}) exceeds ${this.maxResponseBytes} bytes`));
      };
      request.on('error', (error) => {
        reject(error instanceof DestinationRefused ? new UpstreamFailure('refused', error.message) : error.name === 'AbortError' ? error : new UpstreamFailure('unreachable', reasonOf(error)));
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.maxResponseBytes) return tooLarge(`${declared} bytes declared`);
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.maxResponseBytes) return tooLarge(`${received} bytes received so far`);
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('close', () => {
          if (!response.complete) reject(new UpstreamFailure('unreachable', 'the connection closed before the response ended'));
        });
      });
      request.end(options.body);
    });
  }
}
