import type { Kysely } from 'kysely';
import { AuthorizationCodesRepository } from './authorization-codes-repository.js';
import { BrowserSessionsRepository } from './browser-sessions-repository.js';
import { ConsentsRepository } from './consents-repository.js';
import { InteractionsRepository } from './interactions-repository.js';
import { PushedRequestsRepository } from './pushed-requests-repository.js';
import type { Database } from './schema.js';
import type { SignInStores } from '../sign-in/sign-in-stores.js';

/** Every store browser sign-in uses, on the given database (the composition root's one call). */
export function signInStores(db: Kysely<Database>): SignInStores {
  return {
    interactions: new InteractionsRepository(db),
    codes: new AuthorizationCodesRepository(db),
    sessions: new BrowserSessionsRepository(db),
    consents: new ConsentsRepository(db),
    pushedRequests: new PushedRequestsRepository(db),
  };
}
