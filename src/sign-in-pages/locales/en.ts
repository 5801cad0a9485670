/**
 * English texts of the hosted sign-in pages: the reference locale, every other locale has the same keys
 * (`Messages`). `{name}` marks a value the page puts in (escaped).
 */
export const en = {
  'page.title': '{title} – {product}',
  'page.errorSummary': 'There is a problem',

  'signIn.title': 'Sign in',
  'signIn.intro': 'Sign in to continue to {client}.',
  'signIn.submit': 'Sign in',
  'signIn.error.wrongCredentials': 'The username or password is wrong.',
  'signIn.error.missing': 'Enter your username and password.',
  'signIn.error.tooManyAttempts': 'Too many attempts. Wait a while, then try again.',
  'signIn.error.locked': 'This account is locked for now. Try again later.',

  'check.title': 'One more step',
  'check.intro': 'Confirm it is you to continue to {client}.',
  'check.submit': 'Continue',
  'check.remainingAttempts.one': '1 attempt left',
  'check.remainingAttempts.other': '{count} attempts left',
  'check.PinCode.title': 'Enter your PIN',
  'check.PinCode.intro': 'Enter the PIN of this app to continue to {client}.',
  'check.UserLogin.title': 'Sign in',
  'check.UserLogin.intro': 'Sign in to continue to {client}.',

  'field.username': 'Username',
  'field.password': 'Password',
  'field.rememberMe': 'Keep me signed in on this device',
  'field.pin': 'PIN',
  'field.answer': 'Answer',
  'field.email': 'Email address',
  'field.code': 'Code',

  'consent.title': 'Allow access?',
  'consent.intro': '{client} asks for permission to:',
  'consent.note': 'You can withdraw this permission at any time on your account page.',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'scope.openid': 'Know who you are',
  'scope.profile': 'See your name',
  'scope.email': 'See your email address',
  'scope.offline_access': 'Stay connected when you are not using it',

  'signOut.title': 'Sign out',
  'signOut.question': 'Do you want to sign out of {product}?',
  'signOut.client': 'You are leaving {client}.',
  'signOut.notSignedIn': 'You are not signed in.',
  'signOut.submit': 'Sign out',
  'signOut.continue': 'Continue',
  'signedOut.title': 'You are signed out',
  'signedOut.detail': 'You can close this window now.',

  'account.title': 'Your account',
  'account.signedInAs': 'Signed in as {username}',
  'account.applications': 'Applications you allowed',
  'account.none': 'You have not allowed any application.',
  'account.grantedAt': 'Allowed on {date}',
  'account.scopes': 'Access',
  'account.withdraw': 'Withdraw',

  'error.title': 'Something went wrong',
  'error.invalidRequest': 'This sign-in request is not valid',
  'error.unknownClient': 'This application is not known',
  'error.redirectUri': 'This application’s return address is not registered',
  'error.expired': 'This page has expired',
  'error.csrf': 'This form has expired',
  'error.accessDenied': 'Access denied',
  'error.blocked': 'Too many attempts',
  'error.notFound': 'Page not found',
  'error.serverError': 'The server could not finish this request',
  'error.blockedUntil': 'You can try again after {time}.',
  'error.status': 'Error {status}',

  'formPost.title': 'Returning to the application',
  'formPost.detail': 'If nothing happens, press Continue.',
  'formPost.continue': 'Continue',
} as const;

export type MessageKey = keyof typeof en;

/** Every locale's texts: the keys of the English file, each a string. */
export type Messages = { readonly [Key in MessageKey]: string };
