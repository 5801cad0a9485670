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
export function sendPage(request: FastifyRequest, reply: FastifyReply, context: PageContext, view: PageView, options: { status?: number; uiLocales?: string[] } = {}): FastifyReply {
  const cspNonce = newCspNonce();
  const locale = chooseLocale(options.uiLocales ?? [], request.headers['accept-language']);
  const formActions = view.kind === 'form-post' ? [formActionSource(view.redirectUri)] : [];
  return reply
    .status(options.status ?? (view.kind === 'error' ? view.status : 200))
    .headers(pageHeaders(cspNonce, formActions))
    .type('text/html; charset=utf-8')
    .send(renderPage(view, { locale, branding: context.branding(), cspNonce }));
}

/** The CSP source that lets a form post to a redirect URI: its origin, or its scheme for a private-use one. */
function formActionSource(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : url.protocol;
}
