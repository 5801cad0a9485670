import { networkMatcher } from '../../shared/networks.js';
import { defineSecurityCheck, failure, success, type SecurityCheck } from '../security-check.js';

/** `AllowedNetwork`: the request comes from one of the configured CIDR ranges (evaluated on every request). */
export function allowedNetworkCheck(options: { ranges: readonly string[]; successLifetime: number }): SecurityCheck {
  const inRange = networkMatcher(options.ranges);
  return defineSecurityCheck({
    name: 'AllowedNetwork',
    successLifetime: options.successLifetime,
    everyRequest: true,
    evaluate({ request }) {
      if (inRange(request.sourceAddress)) return success();
      return failure(`requests from ${request.sourceAddress} are not from an allowed network`);
    },
  });
}
