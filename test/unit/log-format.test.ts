import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from '../../src/server/logger.js';

describe('log format', () => {
  it('is pretty on a terminal and JSON on anything else', () => {
    expect(logFormatFor({ isTTY: true })).toBe('pretty');
    expect(logFormatFor({ isTTY: false })).toBe('json');
    expect(logFormatFor({})).toBe('json');
    expect(logFormatFor(undefined)).toBe('json');
  });

  it('writes one JSON object a line into a stream that is not a terminal', () => {
    let written = '';
    createLogger('info', { write: (line: string) => (written += line) }).info({ token: 'secret-value' }, 'hello');
    const line = JSON.parse(written) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'hello', service: 'gatehouse', token: '[redacted]' });
    expect(typeof line.time).toBe('number');
  });

  it('writes readable lines with an ISO time into a terminal, secrets still redacted', () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    let written = '';
    terminal.on('data', (chunk: Buffer) => (written += chunk.toString()));
    createLogger('info', terminal).info({ issuer: 'http://127.0.0.1:8080', token: 'secret-value' }, 'gatehouse ready');
    // eslint-disable-next-line no-control-regex
    const plain = written.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] INFO: gatehouse ready\n/);
    expect(plain).toContain('issuer: "http://127.0.0.1:8080"');
    expect(plain).toContain('[redacted]');
    expect(plain).not.toContain('secret-value');
    expect(plain).not.toContain('{"level"');
  });
});
