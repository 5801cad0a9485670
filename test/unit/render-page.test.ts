import { describe, expect, it } from 'vitest';
import { DEFAULT_BRANDING, type Branding } from '../../src/sign-in-pages/branding.js';
import { escapeHtml } from '../../src/sign-in-pages/escape-html.js';
import { LOCALES, type Locale } from '../../src/sign-in-pages/locale.js';
import { renderPage } from '../../src/sign-in-pages/render-page.js';
import type { PageField, PageView } from '../../src/sign-in-pages/page-view.js';

const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';
const CSRF = 'csrf-token-123';
const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"];
const PIN: PageField = { name: 'pin', label: 'field.pin', type: 'password', inputMode: 'numeric', autocomplete: 'one-time-code', required: true };

const form = { action: '/sign-in/i-1', csrfToken: CSRF, clientName: 'Example App' };

/** One of each view. */
const VIEWS: Record<PageView['kind'], PageView> = {
  'sign-in': { ...form, kind: 'sign-in' },
  check: { ...form, kind: 'check', checkName: 'PinCode', fields: [PIN], remainingAttempts: 3 },
  consent: {
    ...form,
    kind: 'consent',
    scopes: [
      { name: 'openid', description: undefined },
      { name: 'users', description: 'Read the list of users' },
    ],
  },
  'sign-out': { ...form, kind: 'sign-out', signedIn: true },
  'signed-out': { kind: 'signed-out' },
  account: {
    kind: 'account',
    action: '/account',
    csrfToken: CSRF,
    username: 'alice',
    consents: [{ clientId: 'c-1', clientName: 'Example App', scopes: ['openid'], grantedAt: Date.UTC(2026, 10, 3) }],
  },
  error: { kind: 'error', status: 400, title: 'error.invalidRequest', detail: 'The request has no client_id.' },
  'form-post': { kind: 'form-post', redirectUri: 'https://app.example/callback', params: { code: 'c0de', state: 's1', iss: 'https://as.example' } },
};

function render(view: PageView, locale: Locale = 'en', branding: Branding = DEFAULT_BRANDING): string {
  return renderPage(view, { locale, branding, cspNonce: NONCE });
}

const count = (text: string, pattern: RegExp): number => [...text.matchAll(new RegExp(pattern.source, 'g'))].length;

/** The opening tags of an element name, with their attributes. */
function tags(page: string, name: string): Record<string, string | true>[] {
  return [...page.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))].map((match) => {
    const attributes: Record<string, string | true> = {};
    for (const attribute of (match[1] ?? '').matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) attributes[attribute[1] as string] = attribute[2] ?? true;
    return attributes;
  });
}

describe('renderPage', () => {
  describe.each(Object.entries(VIEWS))('the %s page', (kind, view) => {
    it.each(LOCALES)('is a whole document in %s: lang, title, one h1, viewport, nonce’d style', (locale) => {
      const page = render(view, locale);
      expect(page.startsWith('<!DOCTYPE html>\n<html lang="' + locale + '">')).toBe(true);
      expect(count(page, /<h1>/)).toBe(1);
      expect(page).toMatch(/<title>[^<]+ – Gatehouse<\/title>/);
      expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(page).toContain(`<style nonce="${NONCE}">`);
      expect(count(page, /<style/)).toBe(1);
      // No script but form_post's, and no inline handlers or style attributes (the CSP would refuse them).
      expect(count(page, /<script/)).toBe(kind === 'form-post' ? 1 : 0);
      expect(page).not.toMatch(/\son[a-z]+=|\sstyle=/);
    });

    it('puts the CSRF token in every form it has', () => {
      const page = render(view);
      const forms = count(page, /<form /);
      if (kind === 'form-post') return expect(forms).toBe(1);
      expect(count(page, new RegExp(`<input type="hidden" name="csrf" value="${CSRF}">`))).toBe(forms);
      expect(forms).toBe(['signed-out', 'error'].includes(kind) ? 0 : 1);
    });

    it('labels every visible input and gives actions as buttons', () => {
      const page = render(view);
      const ids = new Set(tags(page, 'label').map((label) => label.for));
      for (const input of tags(page, 'input').filter((input) => input.type !== 'hidden')) expect(ids).toContain(input.id);
      expect(page).not.toMatch(/<a [^>]*href="(?!#)/);
      for (const button of tags(page, 'button')) expect(button.type).toBe('submit');
    });
  });

  it('escapes hostile names, usernames, descriptions, details and parameters everywhere', () => {
    for (const hostile of HOSTILE) {
      const views: PageView[] = [
        { ...form, clientName: hostile, kind: 'sign-in', username: hostile, error: hostile },
        { ...form, clientName: hostile, kind: 'check', checkName: hostile, fields: [{ ...PIN, label: hostile }], error: hostile },
        { ...form, clientName: hostile, kind: 'consent', scopes: [{ name: hostile, description: hostile }] },
        { ...form, clientName: hostile, kind: 'sign-out', signedIn: true },
        { kind: 'account', action: hostile, csrfToken: hostile, username: hostile, consents: [{ clientId: hostile, clientName: hostile, scopes: [hostile], grantedAt: 0 }] },
        { kind: 'error', status: 400, title: hostile, detail: hostile },
        { kind: 'form-post', redirectUri: 'https://app.example/cb', params: { [hostile]: hostile } },
      ];
      for (const view of views) {
        const page = render(view, 'en', { ...DEFAULT_BRANDING, productName: hostile });
        expect(page).not.toContain(hostile);
        expect(page).not.toMatch(/<(img|svg)\b/);
        expect(count(page, /<script/)).toBe(view.kind === 'form-post' ? 1 : 0);
        expect(page).toContain(escapeHtml(hostile));
      }
    }
  });

  it('escapes the five characters that matter', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  describe('the sign-in page', () => {
    it('asks for a username and a password with autocomplete, focusing the username', () => {
      const page = render(VIEWS['sign-in']);
      const [username, password] = tags(page, 'input').filter((input) => input.type !== 'hidden');
      expect(username).toMatchObject({ type: 'text', name: 'username', autocomplete: 'username', autofocus: true, required: true });
      expect(password).toMatchObject({ type: 'password', name: 'password', autocomplete: 'current-password', required: true });
      expect(password?.autofocus).toBeUndefined();
      expect(page).toContain('<strong>Example App</strong>');
      expect(page).not.toContain('rememberMe');
    });

    it('keeps a given username (login_hint), focuses the password and never echoes a password', () => {
      const page = render({ ...form, kind: 'sign-in', username: 'alice' });
      const [username, password] = tags(page, 'input').filter((input) => input.type !== 'hidden');
      expect(username).toMatchObject({ value: 'alice' });
      expect(username?.autofocus).toBeUndefined();
      expect(password).toMatchObject({ autofocus: true });
      expect(password?.value).toBeUndefined();
    });

    it('shows an error summary at the top: an alert, focused, linking to the field', () => {
      const page = render({ ...form, kind: 'sign-in', username: 'alice', error: 'signIn.error.wrongCredentials' });
      const summary = tags(page, 'div').find((div) => div.class === 'error-summary');
      expect(summary).toMatchObject({ role: 'alert', tabindex: '-1', autofocus: true });
      expect(page.indexOf('error-summary')).toBeLessThan(page.indexOf('<form'));
      expect(page).toContain('<a href="#field-username">The username or password is wrong.</a>');
      expect(tags(page, 'input').filter((input) => input.autofocus === true)).toEqual([]);
      expect(tags(page, 'input').find((input) => input.name === 'username')).toMatchObject({ 'aria-invalid': 'true' });
    });

    it('offers "keep me signed in" when the flow asks for it', () => {
      const page = render({ ...form, kind: 'sign-in', rememberMe: true });
      expect(tags(page, 'input').find((input) => input.name === 'rememberMe')).toMatchObject({ type: 'checkbox', value: 'true', checked: true, id: 'field-rememberMe' });
      expect(page).toContain('<label for="field-rememberMe">Keep me signed in on this device</label>');
    });

    it('speaks Japanese', () => {
      const page = render({ ...form, kind: 'sign-in', error: 'signIn.error.wrongCredentials' }, 'ja');
      expect(page).toContain('<h1>サインイン</h1>');
      expect(page).toContain('ユーザー名またはパスワードが正しくありません。');
      expect(page).toContain('<label for="field-password">パスワード</label>');
    });
  });

  describe('a check page', () => {
    it('renders the declared fields with their input mode and autocomplete, and the attempts left', () => {
      const page = render({ ...form, kind: 'check', checkName: 'PinCode', fields: [PIN], remainingAttempts: 2 });
      expect(page).toContain('<h1>Enter your PIN</h1>');
      expect(tags(page, 'input').find((input) => input.name === 'pin')).toMatchObject({
        type: 'password',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        autofocus: true,
        'aria-describedby': 'remaining-attempts',
      });
      expect(page).toContain('<p class="hint" id="remaining-attempts">2 attempts left</p>');
      expect(render({ ...form, kind: 'check', checkName: 'PinCode', fields: [PIN], remainingAttempts: 1 })).toContain('1 attempt left');
      expect(render({ ...form, kind: 'check', checkName: 'PinCode', fields: [PIN], remainingAttempts: 2 }, 'ja')).toContain('残り 2 回');
    });

    it('shows the check’s own error in the summary, linked to the first field', () => {
      const page = render({ ...form, kind: 'check', checkName: 'PinCode', fields: [PIN], error: 'wrong PIN', remainingAttempts: 2 });
      expect(page).toMatch(/<div class="error-summary"[^>]*role="alert"/);
      expect(page).toContain('<a href="#field-pin">wrong PIN</a>');
    });

    it('gives a custom check a generic title and its own labels; unknown label keys show the name', () => {
      const fields: PageField[] = [
        { name: 'deviceTag', label: 'Device tag', type: 'text' },
        { name: 'serial', label: 'field.serial', type: 'number' },
        { name: 'agree', label: 'I agree', type: 'checkbox' },
      ];
      const page = render({ ...form, kind: 'check', checkName: 'DeviceTag', fields });
      expect(page).toContain('<h1>One more step</h1>');
      expect(page).toContain('<label for="field-deviceTag">Device tag</label>');
      expect(page).toContain('<label for="field-serial">serial</label>');
      expect(page).toMatch(/<input type="checkbox" id="field-agree" name="agree"[^>]*><label for="field-agree">I agree<\/label>/);
      expect(page).not.toContain('remaining-attempts');
    });
  });

  describe('the consent page', () => {
    it('names the client and each scope in words, with Allow and Deny buttons that both submit', () => {
      const page = render(VIEWS.consent);
      expect(page).toContain('<strong>Example App</strong> asks for permission to:');
      expect(page).toContain('<li>Know who you are<span class="scope-name">openid</span></li>');
      expect(page).toContain('<li>Read the list of users<span class="scope-name">users</span></li>');
      const buttons = tags(page, 'button');
      expect(buttons.map((button) => [button.type, button.name, button.value])).toEqual([
        ['submit', 'decision', 'allow'],
        ['submit', 'decision', 'deny'],
      ]);
      expect(page).not.toContain('autofocus');
      expect(render(VIEWS.consent, 'ja')).toContain('あなたが誰であるかを知る');
    });

    it('shows a scope without words by its name alone', () => {
      const page = render({ ...form, kind: 'consent', scopes: [{ name: 'orders', description: undefined }] });
      expect(page).toContain('<li>orders</li>');
    });
  });

  describe('the account page', () => {
    it('lists the allowed applications with a withdraw button each', () => {
      const page = render(VIEWS.account);
      expect(page).toContain('Signed in as alice');
      expect(page).toContain('<time datetime="2026-11-03T00:00:00.000Z">Nov 3, 2026</time>');
      expect(tags(page, 'button')).toEqual([{ type: 'submit', name: 'client_id', value: 'c-1', class: 'secondary' }]);
      const none = render({ kind: 'account', action: '/account', csrfToken: CSRF, username: 'alice', consents: [] });
      expect(none).toContain('You have not allowed any application.');
    });
  });

  describe('the sign-out pages', () => {
    it('asks before signing out, and says so when nobody is signed in', () => {
      expect(render(VIEWS['sign-out'])).toContain('Do you want to sign out of Gatehouse?');
      expect(render({ ...form, clientName: '', kind: 'sign-out', signedIn: false })).toContain('You are not signed in.');
      expect(render(VIEWS['signed-out'], 'ja')).toContain('<h1>サインアウトしました</h1>');
    });
  });

  describe('the error page', () => {
    it('shows the title, the detail and until when a check is blocked, as a time', () => {
      const page = render({ kind: 'error', status: 429, title: 'error.blocked', detail: 'The PIN check is blocked.', blockedUntil: Date.UTC(2026, 11, 5, 4, 30) });
      expect(page).toContain('<h1>Too many attempts</h1>');
      expect(page).toContain('<p>The PIN check is blocked.</p>');
      expect(page).toMatch(/You can try again after <time datetime="2026-12-05T04:30:00.000Z">Dec 5, 2026, 4:30\sAM UTC<\/time>\./);
      const ja = render({ kind: 'error', status: 429, title: 'error.blocked', detail: '', blockedUntil: Date.UTC(2026, 11, 5, 4, 30) }, 'ja');
      expect(ja).toContain('<time datetime="2026-12-05T04:30:00.000Z">2026年12月5日 4:30 UTC</time> 以降にもう一度お試しください。');
      const tokyo = renderPage(
        { kind: 'error', status: 429, title: 'error.blocked', detail: '', blockedUntil: Date.UTC(2026, 11, 5, 4, 30) },
        { locale: 'ja', branding: DEFAULT_BRANDING, cspNonce: NONCE, timeZone: 'Asia/Tokyo' },
      );
      expect(tokyo).toContain('13:30');
    });
  });

  describe('the form_post page', () => {
    it('posts the parameters to the redirect URI, by a nonce’d script or a noscript button', () => {
      const page = render(VIEWS['form-post']);
      expect(page).toContain('<form method="post" action="https://app.example/callback">');
      expect(tags(page, 'input')).toEqual([
        { type: 'hidden', name: 'code', value: 'c0de' },
        { type: 'hidden', name: 'state', value: 's1' },
        { type: 'hidden', name: 'iss', value: 'https://as.example' },
      ]);
      expect(page).toContain(`<script nonce="${NONCE}">document.forms[0].submit()</script>`);
      expect(page).toMatch(/<noscript>[\s\S]*<button type="submit">Continue<\/button>[\s\S]*<\/noscript>/);
      expect(count(page, /<form/)).toBe(1);
    });

    it('refuses to post to a javascript: or data: URI', () => {
      expect(() => render({ kind: 'form-post', redirectUri: 'javascript:alert(1)', params: {} })).toThrow(TypeError);
      expect(() => render({ kind: 'form-post', redirectUri: ' DATA:text/html,x', params: {} })).toThrow(TypeError);
    });
  });

  describe('branding', () => {
    it('shows the product name and logo and takes the colours, with readable text on them', () => {
      const branding: Branding = { productName: 'Acme ID', logoUrl: 'https://cdn.acme.example/logo.svg', primaryColour: '#ffcc00', backgroundColour: '#101820' };
      const page = render(VIEWS['sign-in'], 'en', branding);
      expect(page).toContain('<title>Sign in – Acme ID</title>');
      expect(page).toContain('<img src="https://cdn.acme.example/logo.svg" alt="Acme ID">');
      expect(page).toContain('background:#101820;color:#ffffff');
      expect(page).toContain('background:#ffcc00;color:#111111');
    });

    it('never puts an invalid colour or logo into the page (a setting edited behind the API)', () => {
      const page = render(VIEWS['sign-in'], 'en', { productName: 'X', logoUrl: 'javascript:alert(1)', primaryColour: 'red;}</style><script>', backgroundColour: 'url(x)' });
      expect(page).not.toContain('javascript:');
      expect(page).not.toContain('</style><script>');
      expect(page).not.toContain('url(x)');
      expect(page).toContain('<span>X</span>');
    });
  });
});
