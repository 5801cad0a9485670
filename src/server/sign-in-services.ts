import type { Gatehouse } from '../gatehouse.js';
import type { SignInMetrics } from '../oauth/authorization/flow-types.js';
import { SignInFlow } from '../oauth/authorization/sign-in-flow.js';
import type { SignInPagesServices } from '../sign-in-pages/sign-in-pages.js';
import type { OAuthServices } from './oauth-services.js';

/** What the authorization endpoint and the hosted pages use, from the Gatehouse and the OAuth services. */
export function signInPagesServices(gatehouse: Gatehouse, services: OAuthServices, options: { scopeDescription: (scope: string) => string | undefined; metrics: SignInMetrics }): SignInPagesServices {
  const { config, signInStores: stores, digester, audit } = gatehouse;
  const client = (clientId: string) => gatehouse.directory.get(clientId);
  const page = { branding: () => gatehouse.branding.value };
  const flow = new SignInFlow({
    config,
    stores,
    client,
    gate: services.gate,
    signIn: gatehouse.passwordSignIn,
    users: gatehouse.usersRepository,
    digester,
    audit,
    metrics: options.metrics,
    logger: gatehouse.logger,
  });
  return {
    authorize: { config, flow, client, pushedRequests: stores.pushedRequests, digester, page },
    interaction: { config, flow, page, scopeDescription: options.scopeDescription },
    endSession: { config, client, sessions: stores.sessions, digester, audit, page },
    account: { config, client, sessions: stores.sessions, consents: stores.consents, users: gatehouse.usersRepository, digester, audit, page },
  };
}
