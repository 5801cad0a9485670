import { defineSecurityCheck, failure, success, type SecurityCheck } from '../security-check.js';

/** `ClientKey`: the client proved possession of its registered key in this very request. */
export function clientKeyCheck(options: { successLifetime: number }): SecurityCheck {
  return defineSecurityCheck({
    name: 'ClientKey',
    successLifetime: options.successLifetime,
    everyRequest: true,
    evaluate({ request }) {
      if (request.keyProven) return success();
      return failure('this scope needs proof of the client key: authenticate with private_key_jwt (a client assertion signed with a registered key)');
    },
  });
}
