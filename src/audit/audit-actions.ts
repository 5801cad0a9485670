/**
 * Every action the audit log records, in one list: the admin API's and the CLI's changes, token issuance and
 * refusals, browser sign-ins and registrations. The modules that record an event type their action against
 * it (`satisfies ... AuditAction`), so an action recorded anywhere and missing here fails the type check; the
 * console's action filter and `GET /admin/api/audit/actions` offer it. No Node.js imports: the console bundles it.
 * (An admin API route without a name of its own is recorded as `<method> <route>`; that fallback is not listed.)
 */
export const AUDIT_ACTIONS = [
  // Tokens (the token, application-token, introspection and revocation endpoints).
  'token.issued',
  'token.refused',
  'introspection.refused',
  'revocation.refused',
  'token.revoke',
  // Embedding hand-off: launch links made and opened.
  'app_token.launch',
  'app_token.launch_open',
  // Browser sign-in (hosted pages) and the account page.
  'sign-in.succeeded',
  'sign-in.failed',
  'sign-in.check-failed',
  'consent.granted',
  'consent.denied',
  'consent.withdraw',
  'sign-out',
  // Dynamic registration.
  'client.register',
  // Console and admin API sessions.
  'session.sign_in',
  'session.sign_out',
  'admin.authentication_failed',
  // Administrative changes (admin API and CLI).
  'client.create',
  'client.update',
  'client.delete',
  'client.rotate_secret',
  'client.add_key',
  'client.remove_key',
  'client.set_pin',
  'client.remove_pin',
  'user.create',
  'user.update',
  'user.delete',
  'user.set_password',
  'user.unlock',
  'user.end_sessions',
  'signing_key.rotate',
  'settings.token_delivery.update',
  'settings.branding.update',
  'profile.create',
  'profile.replace',
  'profile.update',
  'profile.delete',
  'profile.create_initial_access_token',
  'profile.revoke_initial_access_token',
  'browser_session.end',
  'command.create',
  'command.update',
  'command.delete',
  'command.try',
  'admin.setup',
  'admin.create',
  'admin.change_role',
  'session.change_password',
  'admin.delete',
  'admin.set_password',
  'admin_token.reset',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The prefixes an action filter may end with a dot to match (`token.` matches `token.issued` and `token.refused`),
 * from the list above: the part of each dotted action before its first dot.
 */
export const AUDIT_ACTION_PREFIXES: readonly string[] = [...new Set(AUDIT_ACTIONS.filter((action) => action.includes('.')).map((action) => `${action.split('.')[0]}.`))];
