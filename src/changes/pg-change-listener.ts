import pg from 'pg';
import type { Logger } from 'pino';
import { CHANGES_CHANNEL } from '../store/change-events-repository.js';
import type { StoreAvailability } from '../store/store-availability.js';

export interface PgChangeListenerOptions {
  databaseUrl: string;
  /** Longest wait for connecting, and for the listening connection to answer a heartbeat, milliseconds. */
  timeoutMs: number;
  /** Milliseconds between heartbeats on the listening connection (a silent dead link is found this way). */
  heartbeatMs: number;
  /** A change was committed somewhere: read the change table now. */
  onNotify: () => void;
  /** Listening again after a lost connection: notifications may have been missed. */
  onReconnect: () => void;
  logger: Pick<Logger, 'warn' | 'info'>;
  availability?: StoreAvailability;
}

export const LISTENER_APPLICATION_NAME = 'gatehouse-change-listener';

/** Delays between reconnection attempts: doubling from 100 ms up to 5 s. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * One dedicated PostgreSQL connection per instance that LISTENs for change notifications (sent by
 * recordChange in the writer's transaction). A lost connection is re-established with backoff,
 * re-LISTENs, and asks for a full cache reload, since notifications sent meanwhile are gone.
 */
export class PgChangeListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private lostLogged = false;

  constructor(private readonly options: PgChangeListenerOptions) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects and listens; if that fails, keeps retrying in the background. */
  async start(): Promise<void> {
    this.closed = false;
    if (!(await this.tryConnect())) this.scheduleReconnect();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await endQuietly(client, this.options.timeoutMs);
  }

  private async tryConnect(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      connectionTimeoutMillis: this.options.timeoutMs,
      keepAlive: true,
      // Lets a DBA tell it apart in pg_stat_activity.
      application_name: LISTENER_APPLICATION_NAME,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) this.options.onNotify();
    });
    try {
      await client.connect();
      await withTimeout(client.query(`LISTEN ${CHANGES_CHANNEL}`), this.options.timeoutMs);
    } catch (error) {
      destroy(client);
      if (!this.lostLogged) this.options.logger.warn({ reason: reasonOf(error) }, 'cannot listen for changes; retrying');
      this.lostLogged = true;
      this.options.availability?.reportFailure('change listener', error);
      return false;
    }
    if (this.closed) {
      await endQuietly(client, this.options.timeoutMs);
      return true;
    }
    this.client = client;
    this.attempt = 0;
    return true;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    destroy(client);
    if (!this.lostLogged) this.options.logger.warn({ reason: reasonOf(error) }, 'lost the connection that listens for changes; reconnecting');
    this.lostLogged = true;
    this.options.availability?.reportFailure('change listener', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.attempt, MAX_RETRY_MS);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.tryConnect().then((connected) => {
        if (!connected) return this.scheduleReconnect();
        if (this.closed) return;
        this.lostLogged = false;
        this.options.logger.info('listening for changes again; reloading caches');
        this.options.availability?.reportSuccess();
        this.options.onReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }

  /** A connection that silently stopped answering (no FIN, no RST) would also stop delivering notifications. */
  private async heartbeat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await withTimeout(client.query('select 1'), this.options.timeoutMs);
    } catch (error) {
      this.lost(client, error);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Drops the socket at once; the client's own error and end events are ignored from here on. */
function destroy(client: pg.Client): void {
  client.removeAllListeners('notification');
  client.removeAllListeners('end');
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Ends politely, or drops the socket when the server does not answer in time. */
async function endQuietly(client: pg.Client, ms: number): Promise<void> {
  client.removeAllListeners('end');
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  await withTimeout(client.end(), ms).catch(() => destroy(client));
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
