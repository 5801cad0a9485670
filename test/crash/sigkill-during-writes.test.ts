import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startCliServer } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { basicAuth, postForm, STORES } from '../helpers/test-server.js';

const KILLS = Number(process.env.GATEHOUSE_CRASH_KILLS ?? 20);
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
/** Writes answered in each burst before its kill may come (the test expects more than 5 per kill in all). */
const WRITES_PER_BURST = 6;

interface Running {
  child: ChildProcess;
  url: string;
}

/** Starts the built `gatehouse serve` (npm test builds dist/ first); resolves when it is ready. */
function startServer(env: Record<string, string>): Promise<Running> {
  return startCliServer(env, { built: true, timeoutMs: 30_000 });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const random = () => Math.random().toString(36).slice(2);

/**
 * What the test knows was written: a write is "acknowledged" once its 2xx answer arrived. A write whose
 * answer never came (the process died) may or may not have happened, and both outcomes are accepted, but
 * nothing in between: the client exists with the secret it was given, or not at all.
 */
interface ClientRecord {
  /** The secret of the last acknowledged creation or rotation (chosen by the test, so it is known). */
  secret: string;
  /** A rotation to this secret was sent but not answered when the process died. */
  pendingSecret?: string;
  acknowledged: boolean;
}

interface Session {
  refreshToken: string;
  /** A rotation of `refreshToken` was sent but not answered. */
  rotationPending: boolean;
}

describe.each(STORES)('SIGKILL in the middle of a burst of writes on %s', (store) => {
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write and opens cleanly after each of ${KILLS} kills`, { timeout: 600_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const env = {
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEHOUSE_SECRET: 'Y3Jhc2gtdGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3',
      GATEHOUSE_PASSWORD_RATE_LIMIT_PER_CLIENT: '100000',
      GATEHOUSE_PASSWORD_RATE_LIMIT_PER_ADDRESS: '100000',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const clients = new Map<string, ClientRecord>();
    const sessions: Session[] = [];
    let server = await startServer(env);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // A password client with refresh tokens, and a user, for refresh-token rotations.
    const appSecret = `app-secret-${random()}-${random()}`;
    expect((await admin('POST', '/clients', { client_id: 'mobile', client_secret: appSecret, grant_types: ['password'], refresh_tokens: true, scope: 'profile' })).status).toBe(201);
    expect((await admin('POST', '/users', { username: 'crash', password: 'crash-test-password' })).status).toBe(201);
    const appAuth = () => ({ authorization: basicAuth('mobile', appSecret) });
    const newSession = async (): Promise<Session> => {
      const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'password', username: 'crash', password: 'crash-test-password', scope: 'offline_access' }, appAuth());
      expect(response.status).toBe(200);
      return { refreshToken: ((await response.json()) as { refresh_token: string }).refresh_token, rotationPending: false };
    };
    for (let i = 0; i < 3; i++) sessions.push(await newSession());

    let acknowledgedWrites = 0;
    let undecided = 0;
    /** Clients written in the current burst: checked after its kill; all of them again at the end. */
    const touched = new Set<string>();
    const verifyClients = async (ids: Iterable<string>) => {
      for (const id of ids) {
        const record = clients.get(id);
        if (!record) continue;
        const shown = await admin('GET', `/clients/${id}`);
        if (!record.acknowledged) {
          // The creation may or may not have committed; if it did, the client is whole.
          expect([200, 404]).toContain(shown.status);
          if (shown.status === 404) {
            clients.delete(id);
            undecided++;
            continue;
          }
          record.acknowledged = true;
        } else {
          expect({ id, status: shown.status }).toEqual({ id, status: 200 });
        }
        const works = async (secret: string) => (await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(id, secret) })).status === 200;
        const current = await works(record.secret);
        if (record.pendingSecret !== undefined) {
          const pending = await works(record.pendingSecret);
          // Exactly one of the two secrets: the rotation happened entirely or not at all.
          expect(current !== pending, `${id}: the acknowledged secret works: ${current}, the unanswered one: ${pending}`).toBe(true);
          if (pending) record.secret = record.pendingSecret;
          delete record.pendingSecret;
          undecided++;
        } else {
          expect({ id, secretWorks: current }).toEqual({ id, secretWorks: true });
        }
      }
    };
    for (let kill = 1; kill <= KILLS; kill++) {
      // The burst: three writers, each one write at a time, until the process is killed under them.
      let dead = false;
      const createClients = async () => {
        while (!dead) {
          const id = `c-${random()}`;
          const secret = `secret-${random()}-${random()}`;
          clients.set(id, { secret, acknowledged: false });
          touched.add(id);
          const response = await admin('POST', '/clients', { client_id: id, client_secret: secret, scope: 'a b' }).catch(() => undefined);
          if (response?.status !== 201) return;
          const record = clients.get(id);
          if (record) record.acknowledged = true;
          acknowledgedWrites++;
        }
      };
      const rotateSecrets = async () => {
        while (!dead) {
          const candidates = [...clients].filter(([, record]) => record.acknowledged && record.pendingSecret === undefined);
          const picked = candidates[Math.floor(Math.random() * candidates.length)];
          if (!picked) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          const [id, record] = picked;
          const secret = `rotated-${random()}-${random()}`;
          record.pendingSecret = secret;
          touched.add(id);
          const response = await admin('POST', `/clients/${id}/secret`, { client_secret: secret, grace_period: 0 }).catch(() => undefined);
          if (response?.status !== 200) return;
          record.secret = secret;
          delete record.pendingSecret;
          acknowledgedWrites++;
        }
      };
      const rotateRefreshTokens = async () => {
        while (!dead) {
          const session = sessions[Math.floor(Math.random() * sessions.length)];
          if (!session || session.rotationPending) continue;
          session.rotationPending = true;
          const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: session.refreshToken }, appAuth()).catch(() => undefined);
          if (response?.status !== 200) return;
          session.refreshToken = ((await response.json()) as { refresh_token: string }).refresh_token;
          session.rotationPending = false;
          acknowledgedWrites++;
        }
      };
      const acknowledgedBefore = acknowledgedWrites;
      const writers = Promise.all([createClients(), rotateSecrets(), rotateRefreshTokens()]);
      // Killed at a random moment once this burst has had a few writes answered: a fixed stretch of wall time
      // brings few writes, or none, on a loaded machine.
      for (const until = Date.now() + 60_000; acknowledgedWrites - acknowledgedBefore < WRITES_PER_BURST && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 350));
      dead = true;
      await killHard(server.child);
      await writers;

      // Restart on the same store: it must open cleanly and hold every acknowledged write.
      server = await startServer(env);
      await verifyClients(touched);
      touched.clear();
      for (const [index, session] of sessions.entries()) {
        const response = await postForm(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: session.refreshToken }, appAuth());
        if (session.rotationPending && response.status !== 200) {
          // The rotation committed unanswered: the old token now counts as reused, as it must.
          expect(response.status).toBe(400);
          sessions[index] = await newSession();
          undecided++;
          continue;
        }
        expect({ session: index, status: response.status }).toEqual({ session: index, status: 200 });
        session.refreshToken = ((await response.json()) as { refresh_token: string }).refresh_token;
        session.rotationPending = false;
      }
    }
    await verifyClients([...clients.keys()]);
    await killHard(server.child);
    // Writes really happened under the kills, and some were cut mid-flight.
    expect(acknowledgedWrites).toBeGreaterThan(KILLS * 5);
    expect(undecided).toBeGreaterThan(0);
    if (store === 'sqlite') {
      const file = new SQLite(join(dataDir, 'gatehouse.db'));
      try {
        expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        file.close();
      }
    }
  });
});
