import { checkPageFields } from '../security/check-page.js';
import type { FlowStep } from '../oauth/authorization/flow-types.js';
import type { PageView } from './page-view.js';

/** What a page of an interaction knows besides the step. */
export interface StepPage {
  action: string;
  csrfToken: string;
  clientName: string;
  scopeDescription(scope: string): string | undefined;
}

/** The page of a step that asks the person something (every step but the answer to the client). */
export function stepView(step: Exclude<FlowStep, { kind: 'respond' }>, page: StepPage): PageView {
  const form = { action: page.action, csrfToken: page.csrfToken, clientName: page.clientName };
  switch (step.kind) {
    case 'sign-in':
      return {
        kind: 'sign-in',
        ...form,
        username: step.username,
        error: step.retryAfterSeconds !== undefined ? 'signIn.error.tooManyAttempts' : step.error === 'invalid-credentials' ? 'signIn.error.wrongCredentials' : undefined,
      };
    case 'check': {
      const { challenge } = step;
      return {
        kind: 'check',
        ...form,
        checkName: step.check.name,
        fields: checkPageFields(step.check, challenge),
        error: typeof challenge.errorMsg === 'string' ? challenge.errorMsg : undefined,
        remainingAttempts: typeof challenge.remainingAttempts === 'number' ? challenge.remainingAttempts : undefined,
      };
    }
    case 'consent':
      return { kind: 'consent', ...form, scopes: step.scopes.map((name) => ({ name, description: page.scopeDescription(name) })) };
    case 'blocked':
      return { kind: 'error', status: 403, title: 'error.blocked', detail: step.reason, blockedUntil: step.blockedUntil };
  }
}
