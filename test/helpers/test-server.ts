import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { GatehouseConfig } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { openGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { buildServer } from '../../src/server/build-server.js';
import { createLogger } from '../../src/server/logger.js';
import { assertNoDescriptionViolations, witnessErrorDescriptions } from './error-description-witness.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export type StoreKind = 'sqlite' | 'postgres';
/** Every HTTP and store test runs on both engines. */
export const STORES: StoreKind[] = ['sqlite', 'postgres'];

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** GATEHOUSE_METRICS_TOKEN of test servers (without one, /metrics answers no one). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

export interface TestServer {
  /** Base URL, also the issuer. */
  url: string;
  config: GatehouseConfig;
  gatehouse: Gatehouse;
  app: FastifyInstance;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Calls the admin API with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Registers a client through the admin API and returns its metadata with the secret. */
  createClient(metadata?: Record<string, unknown>): Promise<{ client_id: string; client_secret: string } & Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  store: StoreKind;
  config?: Partial<GatehouseConfig>;
  /** Reuse a data folder / database (to restart a server on the same state). */
  dataDir?: string;
  database?: TestDatabase;
  /** Where the server's log lines go (with `config.logLevel`), to check what is logged. */
  logDestination?: { write(line: string): void };
}

/** Starts a real Gatehouse HTTP server on a random port with a fresh store. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const ownsDataDir = options.dataDir === undefined;
  const database = options.store === 'postgres' ? (options.database ?? (await createTestDatabase())) : undefined;
  const ownsDatabase = options.store === 'postgres' && options.database === undefined;
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      dataDir,
      databaseUrl: database?.url,
      adminToken: ADMIN_TOKEN,
      metricsToken: METRICS_TOKEN,
      masterSecret: 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY',
      changePollInterval: 50,
      // Bounds every wait for a PostgreSQL connection and every statement: far above what they take on a
      // loaded machine (tests of the bound itself set their own).
      dbTimeoutMs: 30_000,
      keyActivationDelay: 0,
      logLevel: 'silent',
      ...options.config,
    },
  });
  const gatehouse = await openGatehouse(config, createLogger(config.logLevel, options.logDestination), { watchChanges: true });
  const app = await buildServer(gatehouse);
  // Every answer of a test server is a witness: an error_description outside the RFC set fails close().
  const descriptionViolations = witnessErrorDescriptions(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('server has no address');
  const url = `http://127.0.0.1:${address.port}`;
  if (options.config?.issuer === undefined) config.issuer = url;

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  return {
    url,
    config,
    gatehouse,
    app,
    dataDir,
    databaseUrl: database?.url,
    admin,
    async createClient(metadata = {}) {
      const response = await admin('POST', '/clients', { client_name: 'test client', scope: 'read write', ...metadata });
      if (response.status !== 201) throw new Error(`creating a client failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { client_id: string; client_secret: string } & Record<string, unknown>;
    },
    async close() {
      await app.close();
      await gatehouse.close();
      if (ownsDatabase) await database?.drop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      assertNoDescriptionViolations(descriptionViolations);
    },
  };
}

/** `Authorization: Basic` for a client, form-urlencoding id and secret first (RFC 6749 §2.3.1). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** POSTs a form to a path of the server. */
export function postForm(url: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof params === 'string' ? params : new URLSearchParams(params).toString(),
  });
}

/** GET /metrics of a test server with its metrics token. */
export function scrapeMetrics(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}`, ...headers } });
}
