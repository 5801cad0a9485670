import type { Logger } from 'pino';
import type { CheckRegistry } from './check-registry.js';
import type { RegistrationCheckContext, RegistrationRefusalError } from './security-check.js';
import { isRecord } from '../shared/is-record.js';

/** Why a registration was refused: the check, the RFC 7591 §3.2.2 error and the check's reason. */
export interface RegistrationRefusal {
  check: string;
  error: RegistrationRefusalError;
  reason: string;
}

/** Longest reason a check's refusal passes on to the client. */
const MAX_REASON = 300;

/**
 * Runs a profile's registration checks, in order, each check's `register` hook with the same context; the first
 * refusal stops and is returned. A check that is gone, has no hook, throws or answers something else refuses
 * (fails closed): a registration is never let through because its check could not run.
 */
export async function runRegistrationChecks(
  checks: Pick<CheckRegistry, 'get'>,
  names: readonly string[],
  context: RegistrationCheckContext,
  logger: Pick<Logger, 'error'>,
): Promise<RegistrationRefusal | undefined> {
  for (const name of names) {
    const hook = checks.get(name)?.register;
    if (hook === undefined) {
      logger.error({ check: name }, 'a registration check of the profile is not loaded, or has no register hook; registrations are refused');
      return { check: name, error: 'unapproved_software_statement', reason: `the ${name} check could not be evaluated` };
    }
    let outcome: unknown;
    try {
      outcome = await hook(context);
    } catch (error) {
      logger.error({ check: name, err: error }, 'registration check threw');
      return { check: name, error: 'unapproved_software_statement', reason: `the ${name} check could not be evaluated` };
    }
    if (isRecord(outcome) && outcome.kind === 'success') continue;
    if (isRecord(outcome) && outcome.kind === 'failure' && typeof outcome.reason === 'string') {
      const error = outcome.error === 'invalid_software_statement' ? 'invalid_software_statement' : 'unapproved_software_statement';
      return { check: name, error, reason: outcome.reason.slice(0, MAX_REASON) || `refused by ${name}` };
    }
    logger.error({ check: name }, 'registration check returned something other than success or failure');
    return { check: name, error: 'unapproved_software_statement', reason: `the ${name} check could not be evaluated` };
  }
  return undefined;
}
