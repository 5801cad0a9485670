import type { Branding } from './branding.js';
import { errorSummary, fieldInput, postForm, type PageError } from './form-parts.js';
import { markup, type Html } from './html.js';
import type { Locale } from './locale.js';
import type { MessageKey } from './messages.js';
import { pageLayout, type LayoutParts } from './page-layout.js';
import { PageText } from './page-text.js';
import type { PageField, PageView } from './page-view.js';

export interface PageContext {
  locale: Locale;
  branding: Branding;
  /** The response's CSP nonce (page-headers.ts), for the inline style and the form_post script. */
  cspNonce: string;
  /** IANA time zone of the times a page shows (a block's end, consent dates); UTC by default. */
  timeZone?: string | undefined;
}

type View<Kind extends PageView['kind']> = Extract<PageView, { kind: Kind }>;

/** The HTML document of a hosted sign-in page. Every value of the view is escaped. */
export function renderPage(view: PageView, context: PageContext): string {
  const text = new PageText(context.locale, context.timeZone);
  return pageLayout(pageParts(view, text, context.branding), { text, branding: context.branding, cspNonce: context.cspNonce });
}

function pageParts(view: PageView, text: PageText, branding: Branding): LayoutParts {
  switch (view.kind) {
    case 'sign-in':
      return signInPage(view, text);
    case 'check':
      return checkPage(view, text);
    case 'consent':
      return consentPage(view, text);
    case 'sign-out':
      return signOutPage(view, text, branding);
    case 'signed-out':
      return { title: text.text('signedOut.title'), body: markup`<p>${text.text('signedOut.detail')}</p>\n` };
    case 'account':
      return accountPage(view, text);
    case 'error':
      return errorPage(view, text);
    case 'form-post':
      return formPostPage(view, text);
  }
}

const USERNAME: PageField = { name: 'username', label: 'field.username', type: 'text', autocomplete: 'username', required: true };
const PASSWORD: PageField = { name: 'password', label: 'field.password', type: 'password', autocomplete: 'current-password', required: true };
const REMEMBER_ME: PageField = { name: 'rememberMe', label: 'field.rememberMe', type: 'checkbox' };

function signInPage(view: View<'sign-in'>, text: PageText): LayoutParts {
  const errors: PageError[] = view.error === undefined || view.error === '' ? [] : [{ text: text.keyOrText(view.error), field: 'username' }];
  const failed = errors.length > 0;
  const hasUsername = view.username !== undefined && view.username !== '';
  const fields = [
    fieldInput(USERNAME, { value: view.username, autofocus: !failed && !hasUsername, invalid: failed }, text),
    fieldInput(PASSWORD, { autofocus: !failed && hasUsername, invalid: failed }, text),
    view.rememberMe === undefined ? '' : fieldInput(REMEMBER_ME, { checked: view.rememberMe }, text),
  ];
  const form = postForm(view.action, view.csrfToken, markup`${fields}${submitButton(text.text('signIn.submit'))}`);
  return { title: text.text('signIn.title'), body: markup`${errorSummary(errors, text)}${intro(text, 'signIn.intro', view.clientName)}${form}` };
}

function checkPage(view: View<'check'>, text: PageText): LayoutParts {
  const ownKey = `check.${view.checkName}`;
  const title = text.message(`${ownKey}.title`) ?? text.text('check.title');
  const introKey: MessageKey = text.message(`${ownKey}.intro`) === undefined ? 'check.intro' : (`${ownKey}.intro` as MessageKey);
  const errors: PageError[] = view.error === undefined || view.error === '' ? [] : [{ text: text.keyOrText(view.error), field: view.fields[0]?.name }];
  const failed = errors.length > 0;
  const attempts = view.remainingAttempts;
  const attemptsKey: MessageKey = attempts === 1 ? 'check.remainingAttempts.one' : 'check.remainingAttempts.other';
  const attemptsHint = attempts === undefined ? '' : markup`<p class="hint" id="remaining-attempts">${text.text(attemptsKey, { count: attempts })}</p>\n`;
  const inputs = view.fields.map((field, index) => {
    const first = index === 0;
    return fieldInput(field, { autofocus: first && !failed, invalid: first && failed, describedBy: first && attempts !== undefined ? 'remaining-attempts' : undefined }, text);
  });
  const form = postForm(view.action, view.csrfToken, markup`${inputs}${submitButton(text.text('check.submit'))}`);
  return { title, body: markup`${errorSummary(errors, text)}${intro(text, introKey, view.clientName)}${attemptsHint}${form}` };
}

function consentPage(view: View<'consent'>, text: PageText): LayoutParts {
  const scopes = view.scopes.map((scope) => {
    const words = text.scope(scope.name, scope.description);
    return markup`<li>${words}${words === scope.name ? '' : markup`<span class="scope-name">${scope.name}</span>`}</li>`;
  });
  // Allow and Deny both submit; no autofocus, so that a stray Enter grants nothing.
  const buttons = markup`<div class="actions"><button type="submit" name="decision" value="allow">${text.text('consent.allow')}</button><button type="submit" name="decision" value="deny" class="secondary">${text.text('consent.deny')}</button></div>\n`;
  return {
    title: text.text('consent.title'),
    body: markup`<p>${text.markup('consent.intro', { client: clientName(view.clientName) })}</p>
<ul class="scopes">${scopes}</ul>
<p>${text.text('consent.note')}</p>
${postForm(view.action, view.csrfToken, buttons)}`,
  };
}

function signOutPage(view: View<'sign-out'>, text: PageText, branding: Branding): LayoutParts {
  const leaving = view.clientName.trim() === '' ? '' : markup`<p>${text.markup('signOut.client', { client: clientName(view.clientName) })}</p>\n`;
  const question = view.signedIn ? markup`<p>${text.text('signOut.question', { product: branding.productName })}</p>\n${leaving}` : markup`<p>${text.text('signOut.notSignedIn')}</p>\n`;
  const button = markup`<div class="actions"><button type="submit" autofocus>${text.text(view.signedIn ? 'signOut.submit' : 'signOut.continue')}</button></div>\n`;
  return { title: text.text('signOut.title'), body: markup`${question}${postForm(view.action, view.csrfToken, button)}` };
}

function accountPage(view: View<'account'>, text: PageText): LayoutParts {
  const items = view.consents.map(
    (consent) => markup`<li>
<p><strong>${consent.clientName}</strong></p>
<p>${text.text('account.scopes')}: ${consent.scopes.map((scope) => text.scope(scope)).join(', ')}</p>
<p>${text.markup('account.grantedAt', { date: text.date(consent.grantedAt) })}</p>
<button type="submit" name="client_id" value="${consent.clientId}" class="secondary">${text.text('account.withdraw')}<span class="visually-hidden"> (${consent.clientName})</span></button>
</li>`,
  );
  const consents = items.length === 0 ? markup`<p>${text.text('account.none')}</p>\n` : postForm(view.action, view.csrfToken, markup`<ul class="consents">${items}</ul>\n`);
  return {
    title: text.text('account.title'),
    body: markup`<p>${text.text('account.signedInAs', { username: view.username })}</p>
<h2>${text.text('account.applications')}</h2>
${consents}`,
  };
}

function errorPage(view: View<'error'>, text: PageText): LayoutParts {
  const detail = view.detail === '' ? '' : markup`<p>${view.detail}</p>\n`;
  const blocked = view.blockedUntil === undefined ? '' : markup`<p>${text.markup('error.blockedUntil', { time: text.time(view.blockedUntil) })}</p>\n`;
  return { title: text.keyOrText(view.title), body: markup`${detail}${blocked}<p class="muted">${text.text('error.status', { status: view.status })}</p>\n` };
}

/** Schemes a form must never post to, whatever the flow passed. */
const UNSAFE_ACTION = /^\s*(javascript|data|vbscript|blob|file):/i;

/** response_mode=form_post: the parameters in a form that the one inline script submits at once. */
function formPostPage(view: View<'form-post'>, text: PageText): LayoutParts {
  if (UNSAFE_ACTION.test(view.redirectUri)) throw new TypeError('form_post: the redirect URI has a scheme a form may not post to');
  const inputs = Object.entries(view.params).map(([name, value]) => markup`<input type="hidden" name="${name}" value="${value}">\n`);
  return {
    title: text.text('formPost.title'),
    body: markup`<form method="post" action="${view.redirectUri}">
${inputs}<noscript><p>${text.text('formPost.detail')}</p>
${submitButton(text.text('formPost.continue'))}</noscript>
</form>
`,
    script: 'document.forms[0].submit()',
  };
}

function submitButton(label: string): Html {
  return markup`<div class="actions"><button type="submit">${label}</button></div>\n`;
}

function clientName(name: string): Html {
  return markup`<strong>${name}</strong>`;
}

/** The line that says which application asks; left out when the client has no name to show. */
function intro(text: PageText, key: MessageKey, name: string): Html | '' {
  return name.trim() === '' ? '' : markup`<p>${text.markup(key, { client: clientName(name) })}</p>\n`;
}
