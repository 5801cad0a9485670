import type { PasswordSignIn } from '../../users/password-sign-in.js';
import { challenge, defineSecurityCheck, failure, success, type SecurityCheck } from '../security-check.js';

export interface UserLoginAnswer {
  username?: unknown;
  password?: unknown;
  rememberMe?: unknown;
}

/**
 * `UserLogin`: a username and password from the user registry, through the password sign-in with its lockout.
 * `rememberMe: true` makes the success hold for the longer remember-me lifetime.
 */
export function userLoginCheck(options: { signIn: PasswordSignIn; successLifetime: number; rememberMeLifetime: number }): SecurityCheck<UserLoginAnswer> {
  return defineSecurityCheck<UserLoginAnswer>({
    name: 'UserLogin',
    successLifetime: options.successLifetime,
    async evaluate({ answer }) {
      if (answer === undefined) return challenge({ fields: ['username', 'password', 'rememberMe'] });
      if (typeof answer !== 'object' || answer === null || typeof answer.username !== 'string' || typeof answer.password !== 'string') {
        return challenge({ fields: ['username', 'password', 'rememberMe'], errorMsg: 'answer with {"username", "password"} strings' });
      }
      const result = await options.signIn.check(answer.username, answer.password);
      if (result.ok) return answer.rememberMe === true ? success({ lifetime: options.rememberMeLifetime }) : success();
      if (result.reason === 'locked') return failure('the account is locked after too many failed sign-ins; try again later');
      return challenge({ fields: ['username', 'password', 'rememberMe'], errorMsg: 'the username or password is wrong, or the account is disabled' });
    },
  });
}
