import type { FastifyReply } from 'fastify';
// The setCookie reply decoration's types (the console's type check reaches this file through the wire types).
import type {} from '@fastify/cookie';

/** The cookie attributes of token delivery (protected-apis/token-delivery.ts keeps the current ones). */
export interface TokenCookieAttributes {
  cookie_name: string;
  cookie_domain: string | null;
  cookie_path: string;
  cookie_same_site: 'strict' | 'lax' | 'none';
  /** null: Secure when the issuer is https. */
  cookie_secure: boolean | null;
  cookie_http_only: boolean;
}

/**
 * Sets an access token as the configured cookie (the application token endpoint's `set_cookie=true`, and
 * cookie renewal). `issuer` decides Secure when the settings leave it open.
 */
export function setTokenCookie(reply: FastifyReply, delivery: Readonly<TokenCookieAttributes>, issuer: string, token: string, maxAgeSeconds: number): void {
  reply.setCookie(delivery.cookie_name, token, {
    path: delivery.cookie_path,
    ...(delivery.cookie_domain ? { domain: delivery.cookie_domain } : {}),
    sameSite: delivery.cookie_same_site,
    secure: delivery.cookie_secure ?? issuer.startsWith('https://'),
    httpOnly: delivery.cookie_http_only,
    maxAge: maxAgeSeconds,
  });
}
