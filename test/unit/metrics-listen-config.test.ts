import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';

const listenOf = (value: string) => loadConfig({ env: { GATEHOUSE_METRICS_LISTEN: value } }).metricsListen;

describe('GATEHOUSE_METRICS_LISTEN', () => {
  it('is unset by default: /metrics stays on the main address', () => {
    expect(loadConfig({ env: {} }).metricsListen).toBeUndefined();
    expect(listenOf('')).toBeUndefined();
  });

  it('reads host:port, an IPv6 address in brackets, and a host name', () => {
    expect(listenOf('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(listenOf('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(listenOf('metrics.internal:9100')).toEqual({ host: 'metrics.internal', port: 9100 });
  });

  it.each(['9464', '127.0.0.1', '127.0.0.1:99999', '::1:9464', 'a b:80', 'http://127.0.0.1:9464'])('refuses %s, naming the setting', (value) => {
    expect(() => listenOf(value)).toThrow(ConfigError);
    expect(() => listenOf(value)).toThrow(/GATEHOUSE_METRICS_LISTEN.*host:port/);
  });
});
