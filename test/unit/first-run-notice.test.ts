import { describe, expect, it } from 'vitest';
import { consoleUrlOf, firstRunNotice } from '../../src/cli/first-run-notice.js';

describe('the first-run notice', () => {
  it('names the console and the new link, and how long it works', () => {
    const notice = firstRunNotice({ kind: 'new', secret: 'S'.repeat(43), expiresAt: Date.now() + 60 * 60_000 }, 'https://auth.example/');
    expect(notice).toContain('The web console: https://auth.example/admin/');
    expect(notice).toContain(`      https://auth.example/admin/setup#${'S'.repeat(43)}\n`);
    expect(notice).toContain('within 60 minutes');
    expect(notice).toContain('admins create <username>');
  });

  it('says until when a link made earlier works, without printing one', () => {
    const notice = firstRunNotice({ kind: 'pending', expiresAt: Date.UTC(2030, 0, 1) }, 'http://127.0.0.1:8080');
    expect(notice).toContain('works until 2030-01-01T00:00:00.000Z');
    expect(notice).toContain('admins setup-link');
    expect(notice).not.toContain('#');
  });

  it('says nothing once an administrator exists', () => {
    expect(firstRunNotice({ kind: 'not_needed' }, 'http://127.0.0.1:8080')).toBe('');
    expect(consoleUrlOf('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/admin/');
  });
});
