import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { OAUTH_BODY_LIMIT } from '../oauth/endpoints/paths.js';
import { registerAccountPage, type AccountPageServices } from './account-page.js';
import { registerAuthorizeEndpoint, type AuthorizeEndpointServices } from './authorize-endpoint.js';
import { registerEndSession, type EndSessionServices } from './end-session.js';
import { registerInteractionPages, type InteractionPagesServices } from './interaction-pages.js';

/** What the browser-facing endpoints use, built by the server (server/sign-in-services.ts). */
export interface SignInPagesServices {
  authorize: AuthorizeEndpointServices;
  interaction: InteractionPagesServices;
  endSession: EndSessionServices;
  account: AccountPageServices;
}

/** The authorization endpoint and the hosted pages (sign in, checks, consent, sign out, account). */
export async function signInPages(app: FastifyInstance, services: SignInPagesServices): Promise<void> {
  await app.register(formbody, { bodyLimit: OAUTH_BODY_LIMIT });
  registerAuthorizeEndpoint(app, services.authorize);
  registerInteractionPages(app, services.interaction);
  registerEndSession(app, services.endSession);
  registerAccountPage(app, services.account);
}
