import { isRecord } from '../shared/is-record.js';
import { ChallengeRoundsExceededError, GatehouseOAuthError, GatehouseResponseError, MissingChallengeHandlerError, SecurityCheckFailedError } from './errors.js';

/** What a challenge handler learns besides the challenge itself. */
export interface ChallengeContext {
  /** The security check's name, e.g. `PinCode`. */
  check: string;
  /** The (normalised) scope being requested. */
  scope: string;
  /** 1 for the first answer in this token request, 2 for the next, ... */
  round: number;
}

/** Answers one security check's challenge; the answer must be JSON-serialisable. */
export type ChallengeHandler<Challenge = unknown, Answer = unknown> = (challenge: Challenge, context: ChallengeContext) => Answer | Promise<Answer>;

interface ErrorBody {
  error?: unknown;
  error_description?: unknown;
  challenges?: unknown;
  check?: unknown;
  blocked_until?: unknown;
}

export interface ChallengeFlowOptions {
  /** Sends the request once more, with `challenge_response` = the answers (none the first time). */
  send: (answers: Record<string, unknown> | undefined) => Promise<Response>;
  handler: (check: string) => ChallengeHandler | undefined;
  maxRounds: number;
  /** The scope requested (for the handlers). */
  scope: string;
  /** Names the endpoint in errors. */
  endpointName: string;
}

/**
 * Gatehouse's challenge flow around a token request: an answer `400 {"error": "challenge_required",
 * "challenges": {"PinCode": {...}}}` makes it call each check's handler and send the request again with
 * all answers, until a success (its JSON body is returned), an error, or `maxRounds` answered rounds.
 * `access_denied` naming a `check` throws `SecurityCheckFailedError`; other errors `GatehouseOAuthError`.
 */
export async function runChallengeFlow(options: ChallengeFlowOptions): Promise<unknown> {
  let answers: Record<string, unknown> | undefined;
  for (let round = 0; ; round++) {
    const response = await options.send(answers);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new GatehouseResponseError(`the ${options.endpointName} answered ${response.status} without JSON`, response.status);
    }
    if (response.ok) return body;

    const error = (body ?? {}) as ErrorBody;
    const description = typeof error.error_description === 'string' ? error.error_description : undefined;
    const code = typeof error.error === 'string' ? error.error : `http_${response.status}`;
    if (code === 'challenge_required' && isRecord(error.challenges)) {
      const challenges = error.challenges;
      const checks = Object.keys(challenges);
      if (round >= options.maxRounds) throw new ChallengeRoundsExceededError(checks, round);
      answers = {};
      // One after the other: handlers often ask a person (one PIN prompt at a time).
      for (const check of checks) {
        const handler = options.handler(check);
        if (!handler) throw new MissingChallengeHandlerError(check, challenges[check], description);
        answers[check] = await handler(challenges[check], { check, scope: options.scope, round: round + 1 });
      }
      continue;
    }
    if (code === 'access_denied' && typeof error.check === 'string') {
      throw new SecurityCheckFailedError(error.check, description, blockedUntil(error.blocked_until));
    }
    throw new GatehouseOAuthError(code, description, response.status);
  }
}

function blockedUntil(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
