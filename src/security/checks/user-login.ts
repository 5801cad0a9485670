import type { PasswordSignIn } from '../../users/password-sign-in.js';
import { challenge, defineSecurityCheck, success, type SecurityCheck } from '../security-check.js';

export interface UserLoginAnswer {
  username?: unknown;
  password?: unknown;
  rememberMe?: unknown;
}

/**
 * `UserLogin`: a username and password from the user registry, through the one password guard (the same
 * limits per address, client and user, and the same lockout, as the password grant).
 * `rememberMe: true` makes the success hold for the longer remember-me lifetime.
 */
export function userLoginCheck(options: { signIn: PasswordSignIn; successLifetime: number; rememberMeLifetime: number }): SecurityCheck<UserLoginAnswer> {
  return defineSecurityCheck<UserLoginAnswer>({
    name: 'UserLogin',
    successLifetime: options.successLifetime,
    page: {
      fields: [
        { name: 'username', label: 'field.username', type: 'text', autocomplete: 'username', required: true },
        { name: 'password', label: 'field.password', type: 'password', autocomplete: 'current-password', required: true },
        { name: 'rememberMe', label: 'field.rememberMe', type: 'checkbox' },
      ],
    },
    async evaluate({ answer, client, request }) {
      if (answer === undefined) return challenge({ fields: ['username', 'password', 'rememberMe'] });
      if (typeof answer !== 'object' || answer === null || typeof answer.username !== 'string' || typeof answer.password !== 'string') {
        return challenge({ fields: ['username', 'password', 'rememberMe'], errorMsg: 'answer with {"username", "password"} strings' });
      }
      // Limits (and a locked account) throw TooManyAttempts, which the gate answers with 429.
      const result = await options.signIn.check(answer.username, answer.password, { sourceAddress: request.sourceAddress, clientId: client.clientId });
      if (result.ok) return answer.rememberMe === true ? success({ lifetime: options.rememberMeLifetime }) : success();
      return challenge({ fields: ['username', 'password', 'rememberMe'], errorMsg: 'the username or password is wrong, or the account is disabled' });
    },
  });
}
