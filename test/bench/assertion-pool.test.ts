import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AssertionPool } from '../../bench/assertion-pool.js';
import { median, type MeasuredResult } from '../../bench/measure.js';
import { processCpuMicros } from '../../bench/process-cpu.js';
import { parseArgs, selected } from '../../bench/options.js';
import type { Result } from 'autocannon';

describe('bench assertion pool', () => {
  it('hands out pre-signed assertions, each with its own jti, verifiable with the public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const pool = new AssertionPool(privateKey, 'k1', { iss: 'client-1', sub: 'client-1', aud: 'http://127.0.0.1:1/oauth/token' });
    await pool.fill(50);
    expect(pool.size).toBe(50);
    const taken = Array.from({ length: 50 }, () => pool.take());
    expect(new Set(taken.map((jwt) => decodeJwt(jwt).jti)).size).toBe(50);
    const verificationKey = await importJWK(await exportJWK(publicKey), 'ES256');
    const { payload } = await jwtVerify(taken[0] ?? '', verificationKey, { issuer: 'client-1', subject: 'client-1', audience: 'http://127.0.0.1:1/oauth/token' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
    expect(decodeProtectedHeader(taken[0] ?? '')).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(pool.exhausted).toBe(0);
  });

  it('counts requests that found it empty and replays the last assertion to them (refused by the server, so seen as errors)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const pool = new AssertionPool(privateKey, 'k1', { iss: 'app', aud: 'http://127.0.0.1:1/api/auth/sign/ap/token' });
    await pool.fill(1);
    const only = pool.take();
    expect(decodeJwt(only).sub).toBeUndefined();
    expect(pool.take()).toBe(only);
    expect(pool.exhausted).toBe(1);
    await pool.fill(2);
    expect(pool.exhausted).toBe(0);
    expect(pool.size).toBe(2);
  });
});

describe('bench figures and options', () => {
  const result = (rate: number, p99: number): Result => ({
    requests: { average: rate, p50: 0, p99: 0, mean: rate, total: rate * 10 },
    latency: { average: 0, p50: 1, p99, mean: 0 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    '2xx': rate * 10,
  });

  it('takes the median run by requests/s, with that run latency', () => {
    expect(median([result(300, 9), result(100, 1), result(200, 5)])).toMatchObject({ requestsPerSecond: 200, p99: 5, runs: [300, 100, 200] });
  });

  it('takes the CPU per request as the median of the runs, each side on its own, and leaves it out when no run measured it', () => {
    const measured = (rate: number, server: number, loadGenerator: number): MeasuredResult => ({ ...result(rate, 1), cpu: { server, loadGenerator } });
    expect(median([measured(300, 90, 20), measured(100, 150, 40), measured(200, 120.4, 30)]).cpu).toEqual({ server: 120, loadGenerator: 30 });
    expect(median([measured(300, 90, 35), measured(100, 150, 20), measured(200, 160, 30)]).cpu).toEqual({ server: 150, loadGenerator: 30 });
    expect(median([result(100, 1)])).not.toHaveProperty('cpu');
  });

  it('reads a process CPU time from /proc, all threads together', () => {
    const before = processCpuMicros(process.pid);
    // Spins until this process has used 60 ms of CPU by its own count (wall time would not do: on a busy
    // machine 60 ms of wall time may bring only a few ms of CPU).
    const cpuBefore = process.cpuUsage();
    let spin = 0;
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      spin += 1;
      const used = process.cpuUsage(cpuBefore);
      if (used.user + used.system >= 60_000) break;
    }
    expect(spin).toBeGreaterThan(0);
    // Clock ticks of 10 ms: 60 ms of spinning is at least 40 ms more.
    expect(processCpuMicros(process.pid) - before).toBeGreaterThanOrEqual(40_000);
  });

  it('parses the modes and --only alternatives', () => {
    const options = parseArgs(['--peer', '--only', 'private_key_jwt,application', '--quick']);
    expect(options).toMatchObject({ mode: 'peer', duration: 3, runs: 1, stores: ['sqlite'] });
    expect(selected(options, 'application token endpoint')).toBe(true);
    expect(selected(options, 'introspection of a valid JWT')).toBe(false);
    expect(() => parseArgs(['--peer', '--memory'])).toThrow(/choose one/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs/);
  });
});
