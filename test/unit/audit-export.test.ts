import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/admin-api/audit-export.js';
import { AUDIT_FIELDS, toAuditJson, type AuditEvent } from '../../src/audit/audit-event.js';
import { overviewBuckets } from '../../src/admin-api/overview.js';

describe('csvField', () => {
  it('quotes what RFC 4180 needs quoted and defuses formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(401)).toBe('401');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });
});

describe('overviewBuckets', () => {
  it('ends with the bucket that holds now', () => {
    const now = Date.UTC(2026, 11, 5, 12, 34, 56);
    const hour = overviewBuckets('hour', now);
    expect(hour.starts).toHaveLength(60);
    expect(hour.starts.at(-1)).toBe(Date.UTC(2026, 11, 5, 12, 34));
    expect(hour.since).toBe(Date.UTC(2026, 11, 5, 11, 35));
    const day = overviewBuckets('day', now);
    expect(day.starts).toHaveLength(96);
    expect(day.starts.at(-1)).toBe(Date.UTC(2026, 11, 5, 12, 30));
  });
});

describe('AUDIT_FIELDS', () => {
  it('names every field of an event as the admin API gives it, in its order (the CSV columns and the store columns)', () => {
    const event: AuditEvent = {
      id: 'e1',
      at: 0,
      actor: 'admin',
      action: 'client.create',
      target: 'c1',
      outcome: 'success',
      status: null,
      reason: null,
      clientId: null,
      sourceAddress: null,
      grantType: null,
      subject: null,
      scope: null,
      jti: null,
      expiresAt: null,
    };
    expect(Object.keys(toAuditJson(event))).toEqual([...AUDIT_FIELDS]);
  });
});
