import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Branding } from './branding.js';
import { chooseLocale } from './locale.js';
import { newCspNonce, pageHeaders } from './page-headers.js';
import type { PageView } from './page-view.js';
import { renderPage } from './render-page.js';

/** What every page needs besides its view. */
export interface PageContext {
  branding(): Branding;
}

/** Sends a hosted page: rendered in the person's language, with a fresh CSP nonce and the pages' strict headers. */
/**
 * Sends a hosted page: rendered in the person's language, with a fresh CSP nonce and the pages' strict headers.
 * `formActions`: where the page's form may end up besides this server — the client's redirect URI, since a
 * POST answered with a redirect to it is subject to the page's form-action too.
 */
export function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  context: PageContext,
  view: PageView,
  options: { status?: number; uiLocales?: readonly string[]; formActions?: readonly string[] } = {},
): FastifyReply {
  const cspNonce = newCspNonce();
  const locale = chooseLocale(options.uiLocales ?? [], request.headers['accept-language']);
  const formActions = [...(options.formActions ?? []), ...(view.kind === 'form-post' ? [view.redirectUri] : [])];
  return reply
    .status(options.status ?? (view.kind === 'error' ? view.status : 200))
    .headers(pageHeaders(cspNonce, formActions))
    .send(renderPage(view, { locale, branding: context.branding(), cspNonce }));
}
