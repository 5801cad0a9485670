import type { InteractionsStore } from './authorization-request.js';
import type { AuthorizationCodesStore } from './authorization-code.js';
import type { BrowserSessionsStore } from './browser-session.js';
import type { ConsentsStore } from './consent.js';
import type { PushedRequestsStore } from './pushed-request.js';

/** Every store browser sign-in uses, built by the composition root from `store/`. */
export interface SignInStores {
  interactions: InteractionsStore;
  codes: AuthorizationCodesStore;
  sessions: BrowserSessionsStore;
  consents: ConsentsStore;
  pushedRequests: PushedRequestsStore;
}
