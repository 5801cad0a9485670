import { describe, expect, it } from 'vitest';
import { StoreAvailability } from '../../src/store/store-availability.js';
import { isStoreUnavailableError, StoreTimeoutError } from '../../src/shared/store-errors.js';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    warn: (fields: Record<string, unknown>, message: string) => void lines.push({ level: 'warn', fields, message }),
    info: (fields: Record<string, unknown> | string, message?: string) =>
      void lines.push(typeof fields === 'string' ? { level: 'info', fields: {}, message: fields } : { level: 'info', fields, message: message ?? '' }),
  };
}

describe('store availability', () => {
  it('logs the start and the end of an outage once each, and serving from cache once per outage', () => {
    const logger = recordingLogger();
    const availability = new StoreAvailability(logger as never);
    availability.servedFromCache('client_credentials tokens');
    expect(logger.lines).toEqual([]);

    availability.reportFailure('change listener', new Error('Connection terminated unexpectedly'));
    availability.reportFailure('request', new Error('Connection terminated unexpectedly'));
    for (let i = 0; i < 5; i++) availability.servedFromCache('client_credentials tokens');
    expect(availability.available).toBe(false);
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'warn']);
    expect(logger.lines[0]?.fields).toMatchObject({ source: 'change listener', reason: 'Connection terminated unexpectedly' });
    expect(logger.lines[1]?.message).toContain('client_credentials tokens');

    availability.reportSuccess();
    availability.reportSuccess();
    expect(availability.available).toBe(true);
    expect(logger.lines.map((line) => line.message).slice(2)).toEqual(['database available again']);

    // A second outage is announced again.
    availability.reportFailure('request');
    availability.servedFromCache('client_credentials tokens');
    expect(logger.lines).toHaveLength(5);
  });
});

describe('database unavailability errors', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('recognises lost connections, refused connections, timeouts and terminated backends', () => {
    expect(isStoreUnavailableError(new StoreTimeoutError('the database did not answer within 100 ms'))).toBe(true);
    expect(isStoreUnavailableError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailableError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isStoreUnavailableError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailableError(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isStoreUnavailableError(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isStoreUnavailableError(withCode('connection failure', '08006'))).toBe(true);
    expect(isStoreUnavailableError(withCode('sorry, too many clients already', '53300'))).toBe(true);
    expect(isStoreUnavailableError(withCode('database is locked', 'SQLITE_BUSY'))).toBe(true);
    expect(isStoreUnavailableError(new Error('driver has already been destroyed'))).toBe(true);
  });

  it('leaves bugs and refused statements alone (they are not retried as outages)', () => {
    expect(isStoreUnavailableError(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isStoreUnavailableError(withCode('syntax error at or near "x"', '42601'))).toBe(false);
    expect(isStoreUnavailableError(withCode('UNIQUE constraint failed: clients.client_id', 'SQLITE_CONSTRAINT_PRIMARYKEY'))).toBe(false);
    expect(isStoreUnavailableError(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isStoreUnavailableError('Connection terminated')).toBe(false);
  });
});
