import { describe, expect, it } from 'vitest';
import { parseRedirectUris, redirectUriMatches, redirectUriProblem } from '../../src/clients/redirect-uris.js';
import { ClientValidationError } from '../../src/clients/client-validation-error.js';

describe('redirect URIs', () => {
  it('accepts https, loopback http and private-use schemes', () => {
    for (const uri of [
      'https://app.example.com/callback',
      'https://app.example.com/cb?x=1',
      'http://127.0.0.1/callback',
      'http://[::1]:8080/cb',
      'http://localhost:3000/cb',
      'com.example.app:/callback',
    ]) {
      expect(redirectUriProblem(uri), uri).toBeNull();
    }
  });

  it('refuses fragments, user information, plain http and dangerous schemes', () => {
    expect(redirectUriProblem('https://app.example.com/cb#frag')).toMatch(/fragment/);
    expect(redirectUriProblem('https://user:pw@app.example.com/cb')).toMatch(/user information/);
    expect(redirectUriProblem('http://app.example.com/cb')).toMatch(/loopback/);
    expect(redirectUriProblem('javascript:alert(1)')).toMatch(/scheme 'javascript'/);
    expect(redirectUriProblem('data:text/html,hi')).toMatch(/scheme 'data'/);
    expect(redirectUriProblem('/relative')).toMatch(/absolute/);
    expect(() => parseRedirectUris(['https://ok.example/cb', 'http://evil.example/cb'], 'redirect_uris')).toThrow(ClientValidationError);
    expect(() => parseRedirectUris('https://ok.example/cb', 'redirect_uris')).toThrow(/must be a list/);
  });

  it('matches exactly: no prefix, suffix, case or trailing-slash variants', () => {
    const registered = ['https://app.example.com/callback'];
    expect(redirectUriMatches(registered, 'https://app.example.com/callback')).toBe(true);
    for (const variant of [
      'https://app.example.com/callback/',
      'https://app.example.com/callback/evil',
      'https://app.example.com/callbackx',
      'https://app.example.com/Callback',
      'https://APP.example.com/callback',
      'https://app.example.com/callback?x=1',
      'https://app.example.com.evil.example/callback',
      'https://app.example.com:8443/callback',
      'http://app.example.com/callback',
      'https://app.example.com/cal',
    ]) {
      expect(redirectUriMatches(registered, variant), variant).toBe(false);
    }
  });

  it('matches a loopback IP redirect URI on any port, the rest exactly (RFC 8252 §7.3)', () => {
    const registered = ['http://127.0.0.1/callback', 'http://[::1]:9000/cb'];
    expect(redirectUriMatches(registered, 'http://127.0.0.1:51234/callback')).toBe(true);
    expect(redirectUriMatches(registered, 'http://[::1]:4000/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'http://127.0.0.1:51234/callback2')).toBe(false);
    expect(redirectUriMatches(registered, 'http://127.0.0.2:51234/callback')).toBe(false);
    expect(redirectUriMatches(['http://localhost:3000/cb'], 'http://localhost:3001/cb')).toBe(false);
  });
});
