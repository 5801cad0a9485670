import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatehouseConfig } from '../config/config.js';
import { BrowserMismatch, InteractionNotFound, type FlowInput, type FlowStep } from '../oauth/authorization/flow-types.js';
import type { SignInFlow } from '../oauth/authorization/sign-in-flow.js';
import { SIGN_IN_PAGES_PATH } from '../oauth/endpoints/paths.js';
import type { Client } from '../clients/client.js';
import type { AuthorizationRequest } from '../sign-in/authorization-request.js';
import { answerClient } from './answer-client.js';
import { formBoundToBrowser, setSessionCookie } from './browser-cookies.js';
import { browserOf } from './browser-context.js';
import { sendPage, type PageContext } from './page-reply.js';
import { stepView } from './step-view.js';

export interface InteractionPagesServices {
  config: Pick<GatehouseConfig, 'issuer'>;
  flow: Pick<SignInFlow, 'current' | 'submit'>;
  page: PageContext;
  scopeDescription(scope: string): string | undefined;
}

const INTERACTION_ID = /^[A-Za-z0-9_-]{43}$/;
/** Fields of a page's form that are the page's own, not a check's answer. */
const FORM_CONTROL_FIELDS = new Set(['csrf', 'step', 'check']);

/**
 * The hosted pages of one sign-in: `GET /sign-in/:id` shows the current step (sign in, a security check,
 * consent); `POST` takes the person's answer. Every form carries the browser-binding token (CSRF).
 */
export function registerInteractionPages(app: FastifyInstance, services: InteractionPagesServices): void {
  const { config } = services;
  const route = `${SIGN_IN_PAGES_PATH}/:interaction`;

  const show = (request: FastifyRequest, reply: FastifyReply, interactionId: string, outcome: { step: FlowStep; client: Client; request: AuthorizationRequest }) => {
    const { step } = outcome;
    if (step.kind === 'respond') return answerClient(request, reply, services.page, step.response);
    const browser = browserOf(request, config.issuer);
    const view = stepView(step, {
      action: `${config.issuer}${SIGN_IN_PAGES_PATH}/${interactionId}`,
      csrfToken: browser.browserToken ?? '',
      clientName: outcome.client.clientName,
      scopeDescription: (scope) => services.scopeDescription(scope),
    });
    const status = step.kind === 'sign-in' && step.retryAfterSeconds !== undefined ? 429 : step.kind === 'sign-in' && step.error !== undefined ? 400 : step.kind === 'blocked' ? 403 : 200;
    if (step.kind === 'sign-in' && step.retryAfterSeconds !== undefined) reply.header('Retry-After', String(step.retryAfterSeconds));
    return sendPage(request, reply, services.page, view, { status, uiLocales: outcome.request.uiLocales, formActions: [outcome.request.redirectUri] });
  };

  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (error instanceof InteractionNotFound) return sendPage(request, reply, services.page, { kind: 'error', status: 400, title: 'error.expired', detail: error.message });
    if (error instanceof BrowserMismatch) return sendPage(request, reply, services.page, { kind: 'error', status: 403, title: 'error.csrf', detail: error.message });
    throw error;
  };

  app.get<{ Params: { interaction: string } }>(route, async (request, reply) => {
    const interactionId = request.params.interaction;
    if (!INTERACTION_ID.test(interactionId)) return failed(request, reply, new InteractionNotFound('this sign-in page does not exist'));
    try {
      return show(request, reply, interactionId, await services.flow.current(interactionId, browserOf(request, config.issuer)));
    } catch (error) {
      return failed(request, reply, error);
    }
  });

  app.post<{ Params: { interaction: string } }>(route, async (request, reply) => {
    const interactionId = request.params.interaction;
    if (!INTERACTION_ID.test(interactionId)) return failed(request, reply, new InteractionNotFound('this sign-in page does not exist'));
    const form = formValues(request.body);
    const browser = browserOf(request, config.issuer);
    // Double submit: the form's token must be the browser's cookie (a cross-site POST carries no Lax cookie).
    if (form === undefined || !formBoundToBrowser(form.csrf, browser.browserToken)) {
      return sendPage(request, reply, services.page, { kind: 'error', status: 403, title: 'error.csrf', detail: 'the form could not be verified; go back to the application and start again' });
    }
    const input = inputOf(form);
    if (input === undefined) return sendPage(request, reply, services.page, { kind: 'error', status: 400, title: 'error.invalidRequest', detail: 'the form is incomplete' });
    try {
      const outcome = await services.flow.submit(interactionId, browser, input);
      if (outcome.session) setSessionCookie(reply, config.issuer, outcome.session.sessionId, outcome.session.maxAgeSeconds);
      return show(request, reply, interactionId, outcome);
    } catch (error) {
      return failed(request, reply, error);
    }
  });
}

/** A form body as single string values (a repeated field is refused as a whole). */
function formValues(body: unknown): Record<string, string> | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value !== 'string' || value.length > 4_000) return undefined;
    values[name] = value;
  }
  return values;
}

function inputOf(form: Record<string, string>): FlowInput | undefined {
  switch (form.step) {
    case 'sign-in':
      return typeof form.username === 'string' && typeof form.password === 'string' && form.username !== '' ? { step: 'sign-in', username: form.username, password: form.password } : undefined;
    case 'check': {
      const checkName = form.check;
      if (checkName === undefined) return undefined;
      const answers = Object.fromEntries(Object.entries(form).filter(([name]) => !FORM_CONTROL_FIELDS.has(name)));
      return { step: 'check', checkName, values: answers };
    }
    case 'consent':
      return form.decision === 'allow' || form.decision === 'deny' ? { step: 'consent', decision: form.decision } : undefined;
    case 'cancel':
      return { step: 'cancel' };
    default:
      return undefined;
  }
}
