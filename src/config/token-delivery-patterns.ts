/**
 * The token-delivery values' patterns, shared by the settings table (config-schema.ts) and the admin API's
 * token-delivery settings. No imports: the web console checks its form with them (through src/admin-api/wire.ts).
 */
export const COOKIE_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;
export const DOMAIN_PATTERN = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
export const COOKIE_PATH_PATTERN = /^\/[\x21-\x3A\x3C-\x7E]*$/;
/** An HTTP field name: RFC 9110 `token` characters (so `bimatrix_ap_accessToken` with underscores is one), at most 64. */
export const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;
/** Headers that cannot double as the extra token header (lower case). */
export const RESERVED_TOKEN_HEADERS = ['authorization', 'cookie', 'origin', 'host', 'content-type', 'content-length'];
