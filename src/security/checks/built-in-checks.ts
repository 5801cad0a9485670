import type { ClientDirectory } from '../../clients/client-directory.js';
import type { GatehouseConfig } from '../../config/config.js';
import type { SecretDigester } from '../../keys/secret-digest.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import type { SecurityCheck } from '../security-check.js';
import { allowedNetworkCheck } from './allowed-network.js';
import { clientKeyCheck } from './client-key.js';
import { pinDigestInput } from '../../clients/client-pin.js';
import { pinCodeCheck } from './pin-code.js';
import { userLoginCheck } from './user-login.js';

/** PinCode, UserLogin, ClientKey and AllowedNetwork, configured. */
export function builtInChecks(config: GatehouseConfig, services: { passwordSignIn: PasswordSignIn; digester: SecretDigester; directory: ClientDirectory }): SecurityCheck[] {
  // Checks evaluated on every request never cap a token below the server's own maximum.
  const everyRequestLifetime = config.maxTokenLifetime;
  return [
    pinCodeCheck({
      maxAttempts: config.pinMaxAttempts,
      blockSeconds: config.pinBlockDuration,
      successLifetime: config.pinLifetime,
      hasPin: (clientId) => (services.directory.get(clientId)?.pinDigest ?? null) !== null,
      pinMatches: (clientId, pin) => services.digester.matches(pinDigestInput(clientId, pin), services.directory.get(clientId)?.pinDigest ?? null),
    }),
    userLoginCheck({ signIn: services.passwordSignIn, successLifetime: config.userLoginLifetime, rememberMeLifetime: config.userLoginRememberMeLifetime }),
    clientKeyCheck({ successLifetime: everyRequestLifetime }),
    allowedNetworkCheck({ ranges: config.allowedNetworks, successLifetime: everyRequestLifetime }),
  ];
}
