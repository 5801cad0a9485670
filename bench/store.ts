import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_ADMIN = process.env.GATEHOUSE_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `work` with the environment of a fresh store (a data folder, and a new PostgreSQL database), then removes it. */
export async function withDatabase<T>(store: 'sqlite' | 'postgres', work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const name = `gatehouse_bench_${process.pid}_${Date.now()}`;
  const env: Record<string, string> = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SECRET: 'YmVuY2gtbWFzdGVyLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm' };
  const adminClient = new pg.Client({ connectionString: PG_ADMIN });
  if (store === 'postgres') {
    await adminClient.connect();
    await adminClient.query(`create database "${name}"`);
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  try {
    return await work(env);
  } finally {
    if (store === 'postgres') {
      await adminClient.query(`drop database if exists "${name}" with (force)`);
      await adminClient.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
