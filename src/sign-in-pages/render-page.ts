// TEMPORARY stand-in until the pages branch lands (replaced by its render-page.ts).
import type { PageView } from './page-view.js';
import type { Branding } from './branding.js';
import type { Locale } from './locale.js';
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export function renderPage(view: PageView, context: { locale: Locale; branding: Branding; cspNonce: string }): string {
  const body = (() => {
    switch (view.kind) {
      case 'sign-in':
        return `<h1>Sign in to ${esc(view.clientName)}</h1>${view.error ? `<p role="alert">${esc(view.error)}</p>` : ''}<form method="post" action="${esc(view.action)}"><input type="hidden" name="csrf" value="${esc(view.csrfToken)}"><input type="hidden" name="step" value="sign-in"><label>Username <input name="username" value="${esc(view.username ?? '')}"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>`;
      case 'check':
        return `<h1>${esc(view.checkName)}</h1>${view.error ? `<p role="alert">${esc(view.error)}</p>` : ''}<form method="post" action="${esc(view.action)}"><input type="hidden" name="csrf" value="${esc(view.csrfToken)}"><input type="hidden" name="step" value="check"><input type="hidden" name="check" value="${esc(view.checkName)}">${view.fields.map((f) => `<label>${esc(f.label)} <input name="${esc(f.name)}" type="${f.type}"></label>`).join('')}<button>Continue</button></form>`;
      case 'consent':
        return `<h1>${esc(view.clientName)} asks</h1><ul>${view.scopes.map((s) => `<li>${esc(s.name)}</li>`).join('')}</ul><form method="post" action="${esc(view.action)}"><input type="hidden" name="csrf" value="${esc(view.csrfToken)}"><input type="hidden" name="step" value="consent"><button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`;
      case 'form-post':
        return `<form method="post" action="${esc(view.redirectUri)}">${Object.entries(view.params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')}<button>Continue</button></form><script nonce="${context.cspNonce}">document.forms[0].submit()</script>`;
      case 'sign-out':
        return `<h1>Sign out</h1><form method="post" action="${esc(view.action)}"><input type="hidden" name="csrf" value="${esc(view.csrfToken)}"><button>Sign out</button></form>`;
      case 'signed-out':
        return '<h1>Signed out</h1>';
      case 'account':
        return `<h1>${esc(view.username)}</h1><ul>${view.consents.map((c) => `<li>${esc(c.clientName)}<form method="post" action="${esc(view.action)}"><input type="hidden" name="csrf" value="${esc(view.csrfToken)}"><button name="withdraw" value="${esc(c.clientId)}">Withdraw</button></form></li>`).join('')}</ul>`;
      case 'error':
        return `<h1>${esc(view.title)}</h1><p>${esc(view.detail)}</p>`;
    }
  })();
  return `<!doctype html><html lang="${context.locale}"><head><meta charset="utf-8"><title>${esc(context.branding.productName)}</title></head><body>${body}</body></html>`;
}
