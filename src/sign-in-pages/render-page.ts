import type { Branding } from './branding.js';
import { errorSummary, fieldInput, postForm, type PageError } from './form-parts.js';
import { html, type Html } from './html.js';
import type { Locale } from './locale.js';
import { pageLayout, type LayoutParts } from './page-layout.js';
import { PageText } from './page-text.js';
import type { PageField, PageView } from './page-view.js';

export interface PageContext {
  locale: Locale;
  branding: Branding;
  /** The response's CSP nonce (page-headers.ts), for the inline style and the form_post script. */
  cspNonce: string;
  /** IANA time zone for the times a page shows (a block's end, consent dates); UTC by default. */
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
      return { title: text.text('signedOut.title'), body: html`<p>${text.text('signedOut.detail')}</p> ` };
    case 'account':
      return accountPage(view, text);
    case 'error':
      return errorPage(view, text);
    case 'form-post':
      return formPostPage(view, text);
  }
}

const SIGN_IN_FIELDS: readonly PageField[] = [
  { name: 'username', label: 'field.username', type: 'text', autocomplete: 'username', required: true },
  { name: 'password', label: 'field.password', type: 'password', autocomplete: 'current-password', required: true },
];

function signInPage(view: View<'sign-in'>, text: PageText): LayoutParts {
  const errors: PageError[] = view.error === undefined ? [] : [{ text: text.keyOrText(view.error), field: 'username' }];
  const hasUsername = view.username !== undefined && view.username !== '';
  const [username, password] = SIGN_IN_FIELDS as [PageField, PageField];
  const noError = errors.length === 0;
  const fields = html`${fieldInput(username, { value: view.username, autofocus: noError && !hasUsername, invalid: !noError }, text)}${fieldInput(
    password,
    { autofocus: noError && hasUsername, invalid: !noError },
    text,
  )}${view.rememberMe === undefined ? '' : fieldInput({ name: 'rememberMe', label: 'field.rememberMe', type: 'checkbox' }, { checked: view.rememberMe }, text)}`;
  return {
    title: text.text('signIn.title'),
    body: html`${errorSummary(errors, text)}${intro(text.markup('signIn.intro', { client: clientName(view.clientName) }), view.clientName)}${postForm(
      view.action,
      view.csrfToken,
      html`${fields}
        <div class="actions"><button type="submit">${text.text('signIn.submit')}</button></div> `,
    )}`,
  };
}

function checkPage(view: View<'check'>, text: PageText): LayoutParts {
  const title = text.message(`check.${view.checkName}.title`) ?? text.text('check.title');
  const introKey = text.message(`check.${view.checkName}.intro`) === undefined ? 'check.intro' : (`check.${view.checkName}.intro` as 'check.intro');
  const first = view.fields[0];
  const errors: PageError[] = view.error === undefined || view.error === '' ? [] : [{ text: text.keyOrText(view.error), field: first?.name }];
  const attempts = view.remainingAttempts;
  const attemptsHint =
    attempts === undefined
      ? html``
      : html`<p class="hint" id="remaining-attempts">${text.text(attempts === 1 ? 'check.remainingAttempts.one' : 'check.remainingAttempts.other', { count: attempts })}</p> `;
  const inputs = view.fields.map((field, index) =>
    fieldInput(
      field,
      { autofocus: errors.length === 0 && index === 0, invalid: errors.length > 0 && index === 0, describedBy: index === 0 && attempts !== undefined ? 'remaining-attempts' : undefined },
      text,
    ),
  );
  return {
    title,
    body: html`${errorSummary(errors, text)}${intro(text.markup(introKey, { client: clientName(view.clientName) }), view.clientName)}${attemptsHint}${postForm(
      view.action,
      view.csrfToken,
      html`${inputs}
        <div class="actions"><button type="submit">${text.text('check.submit')}</button></div> `,
    )}`,
  };
}

function consentPage(view: View<'consent'>, text: PageText): LayoutParts {
  const scopes = view.scopes.map((scope) => {
    const words = text.scope(scope.name, scope.description);
    return html`<li>${words}${words === scope.name ? '' : html`<span class="scope-name">${scope.name}</span>`}</li>`;
  });
  return {
    title: text.text('consent.title'),
    body: html`<p>${text.markup('consent.intro', { client: clientName(view.clientName) })}</p>
      <ul class="scopes">
        ${scopes}
      </ul>
      <p>${text.text('consent.note')}</p>
      ${postForm(
        view.action,
        view.csrfToken,
        html`<div class="actions">
          <button type="submit" name="decision" value="allow">${text.text('consent.allow')}</button
          ><button type="submit" name="decision" value="deny" class="secondary">${text.text('consent.deny')}</button>
        </div> `,
      )}`,
  };
}

function signOutPage(view: View<'sign-out'>, text: PageText, branding: Branding): LayoutParts {
  const leaving = view.clientName === '' ? html`` : html`<p>${text.markup('signOut.client', { client: clientName(view.clientName) })}</p> `;
  const body = view.signedIn
    ? html`<p>${text.text('signOut.question', { product: branding.productName })}</p>
        ${leaving}${postForm(view.action, view.csrfToken, html`<div class="actions"><button type="submit" autofocus>${text.text('signOut.submit')}</button></div> `)}`
    : html`<p>${text.text('signOut.notSignedIn')}</p>
        ${postForm(view.action, view.csrfToken, html`<div class="actions"><button type="submit" autofocus>${text.text('signOut.continue')}</button></div> `)}`;
  return { title: text.text('signOut.title'), body };
}

function accountPage(view: View<'account'>, text: PageText): LayoutParts {
  const consents =
    view.consents.length === 0
      ? html`<p>${text.text('account.none')}</p> `
      : postForm(
          view.action,
          view.csrfToken,
          html`<ul class="consents">
            ${view.consents.map(
              (consent) =>
                html`<li>
                  <p><strong>${consent.clientName}</strong></p>
                  <p>${text.text('account.scopes')}: ${consent.scopes.map((scope) => text.scope(scope)).join(', ')}</p>
                  <p>${text.markup('account.grantedAt', { date: text.date(consent.grantedAt) })}</p>
                  <button type="submit" name="client_id" value="${consent.clientId}" class="secondary">
                    ${text.text('account.withdraw')}<span class="visually-hidden"> (${consent.clientName})</span>
                  </button>
                </li>`,
            )}
          </ul> `,
        );
  return {
    title: text.text('account.title'),
    body: html`<p>${text.text('account.signedInAs', { username: view.username })}</p>
      <h2>${text.text('account.applications')}</h2>
      ${consents}`,
  };
}

function errorPage(view: View<'error'>, text: PageText): LayoutParts {
  const blocked = view.blockedUntil === undefined ? html`` : html`<p>${text.markup('error.blockedUntil', { time: text.time(view.blockedUntil) })}</p> `;
  return {
    title: text.keyOrText(view.title),
    body: html`${view.detail === '' ? '' : html`<p>${view.detail}</p> `}${blocked}
      <p class="muted">${text.text('error.status', { status: view.status })}</p> `,
  };
}

/** Schemes a form must never post to, whatever the flow passed. */
const UNSAFE_ACTION = /^\s*(javascript|data|vbscript|blob|file):/i;

function formPostPage(view: View<'form-post'>, text: PageText): LayoutParts {
  if (UNSAFE_ACTION.test(view.redirectUri)) throw new TypeError('form_post: the redirect URI has a scheme a form may not post to');
  const inputs = Object.entries(view.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" /> `);
  return {
    title: text.text('formPost.title'),
    body: html`<form method="post" action="${view.redirectUri}">
      ${inputs}<noscript
        ><p>${text.text('formPost.detail')}</p>
        <div class="actions"><button type="submit">${text.text('formPost.continue')}</button></div></noscript
      >
    </form> `,
    script: 'document.forms[0].submit()',
  };
}

function clientName(name: string): Html {
  return html`<strong>${name}</strong>`;
}

/** The line that says which application asks; left out when the client has no name to show. */
function intro(line: Html, name: string): Html {
  return name.trim() === '' ? html`` : html`<p>${line}</p> `;
}
