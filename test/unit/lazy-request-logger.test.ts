import Fastify, { LogController } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { LazyRequestLogger, lazyChildLoggerFactory } from '../../src/server/lazy-request-logger.js';

function capturedLogger(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('LazyRequestLogger', () => {
  it('makes no child logger until something is logged at an enabled level', () => {
    const { logger, lines } = capturedLogger('info');
    const child = vi.spyOn(logger, 'child');
    const lazy = new LazyRequestLogger(logger, { reqId: 'req-7' }, {});
    lazy.debug('below the level');
    lazy.trace('below the level');
    expect(lazy.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
    lazy.info({ clientId: 'c1' }, 'hello');
    lazy.warn('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-7', clientId: 'c1', msg: 'hello', level: 30 }), expect.objectContaining({ reqId: 'req-7', msg: 'again', level: 40 })]);
  });

  it('writes debug lines with the request id when debug is on, and keeps redaction', () => {
    const { logger, lines } = capturedLogger('debug');
    const lazy = new LazyRequestLogger(logger, { reqId: 'req-8' }, {});
    lazy.debug({ client_secret: 'do-not-log-me' }, 'detail');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-8', msg: 'detail' });
    expect(JSON.stringify(lines[0])).not.toContain('do-not-log-me');
  });

  it('serves as fastify request logger: lines of a request carry its id, quiet requests make no child', async () => {
    const { logger, lines } = capturedLogger('info');
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLoggerFactory, logController: new LogController({ disableRequestLogging: true }) });
    const child = vi.spyOn(logger, 'child');
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (request) => {
      request.log.info({ route: 'loud' }, 'handled');
      request.log.child({ part: 'inner' }).warn('nested');
      return { ok: true };
    });
    expect((await app.inject('/quiet')).statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    const loud = await app.inject('/loud');
    expect(loud.statusCode).toBe(200);
    expect(lines).toEqual([
      expect.objectContaining({ reqId: expect.any(String), route: 'loud', msg: 'handled' }),
      expect.objectContaining({ reqId: expect.any(String), part: 'inner', msg: 'nested' }),
    ]);
    expect(lines[0]?.reqId).toBe(lines[1]?.reqId);
    await app.close();
  });
});
