/**
 * The names of the built-in security checks, in the order `builtInChecks` builds them (custom checks from
 * GATEHOUSE_CHECKS_DIR come after, by their own names). No imports: the console reads this list through
 * the admin API's wire module.
 */
export const BUILT_IN_CHECKS = ['PinCode', 'UserLogin', 'ClientKey', 'AllowedNetwork'] as const;
export type BuiltInCheckName = (typeof BUILT_IN_CHECKS)[number];
