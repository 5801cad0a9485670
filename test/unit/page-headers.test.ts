import { describe, expect, it } from 'vitest';
import { formActionSource, newCspNonce, pageHeaders } from '../../src/sign-in-pages/page-headers.js';

describe('pageHeaders', () => {
  it('sends a strict CSP with the nonce, no framing, no caching, no referrer', () => {
    const nonce = newCspNonce();
    const headers = pageHeaders(nonce);
    expect(headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(headers).toMatchObject({ 'x-frame-options': 'DENY', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-type': 'text/html; charset=utf-8' });
  });

  it('lets forms post to the given redirect origins (form_post, redirects after a POST)', () => {
    const csp = pageHeaders(newCspNonce(), ['https://app.example/callback?x=1', 'http://127.0.0.1:51234/cb', 'com.example.app:/oauth', 'https://app.example/other'])['content-security-policy'];
    expect(csp).toContain("form-action 'self' https://app.example http://127.0.0.1:51234 com.example.app:;");
  });

  it('leaves out what cannot be a form target, and refuses a bad nonce', () => {
    expect(formActionSource('javascript:alert(1)')).toBeUndefined();
    expect(formActionSource('data:text/html,x')).toBeUndefined();
    expect(formActionSource('not a uri')).toBeUndefined();
    expect(pageHeaders(newCspNonce(), ["https://a.example/'; script-src *", 'javascript:x'])['content-security-policy']).not.toMatch(/script-src \*|javascript/);
    expect(() => pageHeaders("abc'; script-src *")).toThrow(TypeError);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newCspNonce()));
    expect(nonces.size).toBe(100);
    expect(Buffer.from([...nonces][0] as string, 'base64')).toHaveLength(16);
  });
});
