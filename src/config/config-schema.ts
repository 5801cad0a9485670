import { isIP } from 'node:net';
import { LOG_LEVELS, SIGNING_ALGS, type GatehouseConfig, type ListenAddress } from './config.js';
import { parseCidrList } from '../shared/networks.js';

/** One configuration setting: where it comes from, what it means, how it is checked. */
export interface SettingSpec<K extends keyof GatehouseConfig = keyof GatehouseConfig> {
  key: K;
  env: string;
  description: string;
  /** Default shown in documentation. */
  defaultText: string;
  /** Parses a raw value (string from the environment, or any JSON value from the file); throws a message on a bad value. */
  parse: (raw: unknown) => GatehouseConfig[K];
  /** Holds a secret (or credentials): an error about it never repeats the value. */
  sensitive?: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

function integer(min: number, max: number) {
  return (raw: unknown): number => {
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (!/^\d+$/.test(text)) throw new Error(`must be an integer from ${min} to ${max}`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return value;
  };
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: unknown): T => {
    const found = allowed.find((candidate) => candidate === raw);
    if (found === undefined) throw new Error(`must be one of ${allowed.join(', ')}`);
    return found;
  };
}

function nonEmptyString(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
  return raw.trim();
}

function httpUrl(raw: unknown): string {
  const text = nonEmptyString(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an absolute http(s) URL');
  if (url.search || url.hash) throw new Error('must not have a query or fragment (RFC 8414 §2)');
  return text.replace(/\/+$/, '');
}

/** Patterns shared with the token-delivery settings of the admin API. */
export const COOKIE_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;
export const DOMAIN_PATTERN = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
export const COOKIE_PATH_PATTERN = /^\/[\x21-\x3A\x3C-\x7E]*$/;
export const HEADER_NAME_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
/** Headers that cannot double as the extra token header (lower case). */
export const RESERVED_TOKEN_HEADERS = ['authorization', 'cookie', 'origin', 'host', 'content-type', 'content-length'];

/** A non-empty string matching `pattern`. */
function matching(pattern: RegExp, message: string) {
  return (raw: unknown): string => {
    const text = nonEmptyString(raw);
    if (!pattern.test(text)) throw new Error(message);
    return text;
  };
}

/** Unset (undefined or '') stays undefined; anything else goes through `parse`. */
function optional<T>(parse: (raw: unknown) => T) {
  return (raw: unknown): T | undefined => (raw === undefined || raw === '' ? undefined : parse(raw));
}

/** A bearer token: it travels as `Authorization: Bearer <token>`, so visible ASCII without spaces. */
function optionalBearerToken(minLength: number) {
  return (raw: unknown): string | undefined => {
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string' || raw.length < minLength) throw new Error(`must be at least ${minLength} characters`);
    if (!/^[\x21-\x7E]+$/.test(raw)) throw new Error('must be visible ASCII characters without spaces (it is sent as a Bearer token)');
    return raw;
  };
}

/** DNS name: labels of letters, digits and hyphens, not starting or ending with a hyphen. */
const HOSTNAME_PATTERN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to bind to: an IPv4 or IPv6 address, or a host name. */
function bindAddress(raw: unknown): string {
  const text = nonEmptyString(raw);
  if (isIP(text) === 0 && !HOSTNAME_PATTERN.test(text)) throw new Error('must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name');
  return text;
}

/** `host:port` (an IPv6 address in brackets: `[::1]:9464`), or `{ host, port }` in the file; '' or unset: none. */
function optionalListenAddress(raw: unknown): ListenAddress | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const message = 'must be host:port, such as 127.0.0.1:9464 or [::1]:9464';
  let host: unknown;
  let port: unknown;
  if (typeof raw === 'string') {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(raw.trim());
    if (!match) throw new Error(message);
    host = match[1] ?? match[2];
    port = match[3];
  } else if (typeof raw === 'object') {
    ({ host, port } = raw as { host?: unknown; port?: unknown });
  } else {
    throw new Error(message);
  }
  try {
    return { host: bindAddress(host), port: integer(0, 65535)(port) };
  } catch {
    throw new Error(message);
  }
}

export const SETTINGS: SettingSpec[] = [
  { key: 'port', env: 'PORT', description: 'TCP port of the HTTP server', defaultText: '8080', parse: integer(0, 65535) },
  { key: 'host', env: 'HOST', description: 'address the HTTP server binds to', defaultText: '127.0.0.1', parse: bindAddress },
  {
    key: 'issuer',
    env: 'GATEHOUSE_ISSUER',
    description: 'issuer identifier and default token audience (https in production)',
    defaultText: 'http://127.0.0.1:<port>',
    parse: httpUrl,
  },
  {
    key: 'dataDir',
    env: 'GATEHOUSE_DATA_DIR',
    description: 'folder of the embedded database and the generated master secret',
    defaultText: './data',
    parse: nonEmptyString,
  },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    description: 'a postgres:// URL selects PostgreSQL; unset uses the embedded SQLite database',
    defaultText: '(unset)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^postgres(ql)?:\/\//.test(text)) throw new Error('must be a postgres:// or postgresql:// URL');
      return text;
    },
  },
  {
    key: 'adminToken',
    env: 'GATEHOUSE_ADMIN_TOKEN',
    description: 'bearer token of the admin API; unset: generated on first start, printed once, kept as a digest',
    defaultText: '(generated)',
    sensitive: true,
    parse: optionalBearerToken(16),
  },
  {
    key: 'adminPassword',
    env: 'GATEHOUSE_ADMIN_PASSWORD',
    description: 'password (12+ characters) of the console administrator `admin`, created on a start when no administrator exists; ignored afterwards',
    defaultText: '(none)',
    sensitive: true,
    parse: optional((raw) => {
      if (typeof raw !== 'string' || raw.length < 12 || raw.length > 1024) throw new Error('must be 12 to 1024 characters');
      return raw;
    }),
  },
  {
    key: 'adminSessionIdle',
    env: 'GATEHOUSE_ADMIN_SESSION_IDLE',
    description: 'seconds without a request after which a console session ends',
    defaultText: '1800',
    parse: integer(60, 7 * 86_400),
  },
  {
    key: 'adminSessionMax',
    env: 'GATEHOUSE_ADMIN_SESSION_MAX',
    description: 'seconds after sign-in after which a console session ends, however busy',
    defaultText: '43200',
    parse: integer(60, 30 * 86_400),
  },
  {
    key: 'adminSignInLimitPerUsername',
    env: 'GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_USERNAME',
    description:
      'console sign-ins per username within 15 minutes, counted when they arrive, before the password check (a success gives its slot back, so only failures spend it); beyond it 429 with Retry-After; shared by every instance (in Redis with REDIS_URL, else in the database)',
    defaultText: '5',
    parse: integer(1, 10_000),
  },
  {
    key: 'adminSignInLimitPerAddress',
    env: 'GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_ADDRESS',
    description:
      'console sign-ins per source address (IPv6: per /64) within 15 minutes, counted like the per-username limit; beyond it 429 with Retry-After; shared by every instance (in Redis with REDIS_URL, else in the database)',
    defaultText: '20',
    parse: integer(1, 10_000),
  },
  {
    key: 'signingAlg',
    env: 'GATEHOUSE_SIGNING_ALG',
    description: 'algorithm of the access-token signing key',
    defaultText: 'ES256',
    parse: oneOf(SIGNING_ALGS),
  },
  {
    key: 'masterSecret',
    env: 'GATEHOUSE_SECRET',
    description:
      'base64url master secret (32 random bytes) that encrypts private keys and keys secret digests; unset: generated in the data folder. Set the same value on every instance sharing a PostgreSQL database',
    defaultText: '(generated in <data dir>/master.key)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^[A-Za-z0-9_-]{43,}$/.test(text)) throw new Error('must be at least 32 bytes as base64url (43+ characters)');
      return text;
    },
  },
  {
    key: 'maxTokenLifetime',
    env: 'GATEHOUSE_MAX_TOKEN_LIFETIME',
    description: "server's upper bound on access-token lifetime in seconds (applies when a client's lifetime is 0 or larger)",
    defaultText: '86400',
    parse: integer(1, 99_999_999),
  },
  {
    key: 'secretRotationGrace',
    env: 'GATEHOUSE_SECRET_ROTATION_GRACE',
    description: 'seconds a rotated client secret keeps working unless the rotation names another grace period',
    defaultText: '3600',
    parse: integer(0, 30 * 86400),
  },
  {
    key: 'keyActivationDelay',
    env: 'GATEHOUSE_KEY_ACTIVATION_DELAY',
    description: 'seconds a rotated signing key is published in the JWKS before it signs',
    defaultText: '300',
    parse: integer(0, 7 * 86400),
  },
  {
    key: 'resources',
    env: 'GATEHOUSE_RESOURCES',
    description: 'comma-separated absolute URIs that clients may request as token audience (RFC 8707 resource)',
    defaultText: '(none)',
    parse: (raw) => {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      if (items === null) throw new Error('must be a comma-separated list of absolute URIs');
      const resources: string[] = [];
      for (const item of items) {
        if (typeof item !== 'string') throw new Error('must be a comma-separated list of absolute URIs');
        const text = item.trim();
        if (text === '') continue;
        let url: URL;
        try {
          url = new URL(text);
        } catch {
          throw new Error(`"${text}" is not an absolute URI`);
        }
        if (url.hash) throw new Error(`"${text}" must not have a fragment (RFC 8707 §2)`);
        resources.push(text);
      }
      return resources;
    },
  },
  {
    key: 'changePollInterval',
    env: 'GATEHOUSE_CHANGE_POLL_MS',
    description: 'on SQLite: milliseconds between checks for changes made by other processes (CLI, other instances)',
    defaultText: '250',
    parse: integer(20, 60_000),
  },
  {
    key: 'changeSafetyPollInterval',
    env: 'GATEHOUSE_CHANGE_SAFETY_POLL_MS',
    description: 'on PostgreSQL, where changes arrive at once by LISTEN/NOTIFY: milliseconds between safety reads of the change table and checks of the listening connection',
    defaultText: '5000',
    parse: integer(100, 600_000),
  },
  {
    key: 'dbTimeoutMs',
    env: 'GATEHOUSE_DB_TIMEOUT_MS',
    description: 'on PostgreSQL: milliseconds a request waits for a connection, and for each statement, before it answers 503 temporarily_unavailable',
    defaultText: '5000',
    parse: integer(100, 600_000),
  },
  {
    key: 'shutdownGraceMs',
    env: 'GATEHOUSE_SHUTDOWN_GRACE_MS',
    description: 'milliseconds in-flight requests may take to finish after SIGTERM (new connections are refused at once)',
    defaultText: '10000',
    parse: integer(0, 600_000),
  },
  {
    key: 'requestTimeoutMs',
    env: 'GATEHOUSE_REQUEST_TIMEOUT_MS',
    description:
      'milliseconds in which a request (headers and whole body) must arrive, counted from its first byte; a slower one is answered 408 and its connection closed (checked about every second); 0 turns it off',
    defaultText: '30000',
    parse: integer(0, 3_600_000),
  },
  {
    key: 'headersTimeoutMs',
    env: 'GATEHOUSE_HEADERS_TIMEOUT_MS',
    description: 'milliseconds in which the headers of a request must arrive (408 and the connection closed beyond); capped at GATEHOUSE_REQUEST_TIMEOUT_MS when that is set',
    defaultText: '10000',
    parse: integer(1, 3_600_000),
  },
  {
    key: 'connectionTimeoutMs',
    env: 'GATEHOUSE_CONNECTION_TIMEOUT_MS',
    description:
      'milliseconds a connection may go without sending or receiving anything while a request is under way (a client that stops reading the answer, say) before it is closed; keep it above GATEHOUSE_COMMAND_TIMEOUT_MS; 0 turns it off',
    defaultText: '120000',
    parse: integer(0, 3_600_000),
  },
  {
    key: 'lockoutThreshold',
    env: 'GATEHOUSE_LOCKOUT_THRESHOLD',
    description:
      'wrong passwords within the lockout window that lock a user; also the most password checks of one username per window (password grant and UserLogin, counted when they arrive, a success giving its slot back); beyond it, and while locked, 429 without a check',
    defaultText: '5',
    parse: integer(1, 1000),
  },
  {
    key: 'lockoutWindow',
    env: 'GATEHOUSE_LOCKOUT_WINDOW',
    description: 'seconds over which wrong passwords are counted',
    defaultText: '900',
    parse: integer(1, 86_400),
  },
  {
    key: 'lockoutDuration',
    env: 'GATEHOUSE_LOCKOUT_DURATION',
    description: 'seconds a locked user stays locked',
    defaultText: '900',
    parse: integer(1, 30 * 86_400),
  },
  {
    key: 'passwordRateLimitPerClient',
    env: 'GATEHOUSE_PASSWORD_RATE_LIMIT_PER_CLIENT',
    description:
      'password checks (password grant and UserLogin answers) per minute per authenticated client, counted when they arrive, before the password is checked (429 with Retry-After beyond); shared by every instance (in Redis with REDIS_URL, else in the database); 0 turns it off',
    defaultText: '120',
    parse: integer(0, 1_000_000),
  },
  {
    key: 'passwordRateLimitPerAddress',
    env: 'GATEHOUSE_PASSWORD_RATE_LIMIT_PER_ADDRESS',
    description:
      'password checks (password grant and UserLogin answers) per minute per source address (IPv6: per /64), counted when they arrive, before the password is checked (429 with Retry-After beyond); shared by every instance (in Redis with REDIS_URL, else in the database); 0 turns it off',
    defaultText: '60',
    parse: integer(0, 1_000_000),
  },
  {
    key: 'tokenRateLimitPerClient',
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_PER_CLIENT',
    description:
      'token requests (every grant of POST /oauth/token and the application-token endpoint) per window per client, counted only once the client has authenticated (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    defaultText: '6000',
    parse: integer(0, 100_000_000),
  },
  {
    key: 'tokenRateLimitPerAddress',
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_PER_ADDRESS',
    description:
      'token requests (every grant of POST /oauth/token and the application-token endpoint, authenticated or not) per window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    defaultText: '20000',
    parse: integer(0, 100_000_000),
  },
  {
    key: 'tokenRateLimitWindow',
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_WINDOW',
    description: "seconds of the window of the token-request rate limits; each key's window starts with its first request",
    defaultText: '60',
    parse: integer(1, 3_600),
  },
  {
    key: 'introspectionRateLimitPerAddress',
    env: 'GATEHOUSE_INTROSPECTION_RATE_LIMIT_PER_ADDRESS',
    description:
      'introspection requests (POST /oauth/introspect, authenticated or not) per token-limit window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    defaultText: '20000',
    parse: integer(0, 100_000_000),
  },
  {
    key: 'revocationRateLimitPerAddress',
    env: 'GATEHOUSE_REVOCATION_RATE_LIMIT_PER_ADDRESS',
    description:
      'revocation requests (POST /oauth/revoke, authenticated or not) per token-limit window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    defaultText: '6000',
    parse: integer(0, 100_000_000),
  },
  {
    key: 'cookieName',
    env: 'GATEHOUSE_COOKIE_NAME',
    description: 'name of the cookie that may carry an access token',
    defaultText: 'gatehouse_access_token',
    parse: matching(COOKIE_NAME_PATTERN, "must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)"),
  },
  {
    key: 'cookieDomain',
    env: 'GATEHOUSE_COOKIE_DOMAIN',
    description: 'Domain attribute of the token cookie, so that a portal and Gatehouse on sibling hosts share it',
    defaultText: '(host only)',
    parse: optional(matching(DOMAIN_PATTERN, 'must be a domain name such as example.com')),
  },
  {
    key: 'cookiePath',
    env: 'GATEHOUSE_COOKIE_PATH',
    description: 'Path attribute of the token cookie',
    defaultText: '/',
    parse: matching(COOKIE_PATH_PATTERN, 'must be a path starting with /'),
  },
  {
    key: 'cookieSameSite',
    env: 'GATEHOUSE_COOKIE_SAMESITE',
    description: 'SameSite attribute of the token cookie (strict, lax or none; none needs an https issuer)',
    defaultText: 'lax',
    parse: oneOf(['strict', 'lax', 'none'] as const),
  },
  {
    key: 'cookieSecure',
    env: 'GATEHOUSE_COOKIE_SECURE',
    description: 'Secure attribute of the token cookie (true/false); default: when the issuer is https',
    defaultText: '(issuer is https)',
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new Error('must be true or false');
    },
  },
  {
    key: 'cookieHttpOnly',
    env: 'GATEHOUSE_COOKIE_HTTP_ONLY',
    description: 'HttpOnly attribute of the token cookie (true/false)',
    defaultText: 'true',
    parse: (raw) => {
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new Error('must be true or false');
    },
  },
  {
    key: 'cookieRenewFraction',
    env: 'GATEHOUSE_COOKIE_RENEW_FRACTION',
    description: 'a still-valid cookie token used in this last fraction of its life gets a fresh cookie (0 turns renewal off)',
    defaultText: '0.2',
    parse: (raw) => {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^(0(\.\d+)?|1(\.0+)?)$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!(value >= 0 && value <= 1)) throw new Error('must be a number from 0 to 1');
      return value;
    },
  },
  {
    key: 'tokenHeader',
    env: 'GATEHOUSE_TOKEN_HEADER',
    description: 'extra request header that may carry an access token (after Authorization, before the cookie)',
    defaultText: 'X-Gatehouse-Access-Token',
    parse: (raw) => {
      const name = matching(HEADER_NAME_PATTERN, 'must be a header name (letters, digits and -)')(raw);
      if (RESERVED_TOKEN_HEADERS.includes(name.toLowerCase())) throw new Error(`must not be ${name}, which already has a meaning`);
      return name;
    },
  },
  {
    key: 'maxAssertionLifetime',
    env: 'GATEHOUSE_MAX_ASSERTION_LIFETIME',
    description: 'longest a client assertion (private_key_jwt) may live, exp minus iat, in seconds',
    defaultText: '300',
    parse: integer(1, 3600),
  },
  {
    key: 'clockTolerance',
    env: 'GATEHOUSE_CLOCK_TOLERANCE',
    description: "seconds of leeway for exp and nbf when Gatehouse's own resources check tokens",
    defaultText: '5',
    parse: integer(0, 300),
  },
  {
    key: 'auditStream',
    env: 'GATEHOUSE_AUDIT_STREAM',
    description: 'also write every audit event as a JSON line to `stdout` or to this file (appended)',
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  },
  {
    key: 'auditFlushMs',
    env: 'GATEHOUSE_AUDIT_FLUSH_MS',
    description: 'issued-token audit events are written in batches: at most this many milliseconds after the token (or at 500 events)',
    defaultText: '200',
    parse: integer(10, 60_000),
  },
  {
    key: 'auditQueueLimit',
    env: 'GATEHOUSE_AUDIT_QUEUE_LIMIT',
    description: 'issued-token audit events kept in memory while the database does not take them; beyond, new ones are dropped and counted in `gatehouse_audit_events_dropped_total`',
    defaultText: '20000',
    parse: integer(1, 10_000_000),
  },
  {
    key: 'commandsDir',
    env: 'GATEHOUSE_COMMANDS_DIR',
    description: 'folder of server-command modules (.js, .mjs, .ts) and http-request definitions (.json)',
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  },
  {
    key: 'commandTimeoutMs',
    env: 'GATEHOUSE_COMMAND_TIMEOUT_MS',
    description: 'time limit of a server command in milliseconds (504 beyond), unless the command sets its own',
    defaultText: '30000',
    parse: integer(1, 3_600_000),
  },
  {
    key: 'commandMaxResponseBytes',
    env: 'GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES',
    description: 'most bytes of response body an http-request command reads from its upstream system (checked against Content-Length and while reading; beyond, the call is aborted and answers 502 `upstream_too_large`), unless the command sets its own `maxResponseBytes`',
    defaultText: '1048576',
    parse: integer(1, 1_073_741_824),
  },
  {
    key: 'commandInternalNetworks',
    env: 'GATEHOUSE_COMMAND_INTERNAL_NETWORKS',
    description: 'comma-separated CIDR ranges of non-public addresses (loopback, private, link-local, unique-local, metadata) that every http-request command may call; other such addresses are refused (checked on the resolved address connected to; a command may add its own `internalNetworks`)',
    defaultText: '(none)',
    parse: parseCidrList,
  },
  {
    key: 'checksDir',
    env: 'GATEHOUSE_CHECKS_DIR',
    description: 'folder of custom security checks (.js, .mjs; default export made with defineSecurityCheck)',
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  },
  {
    key: 'trustedProxies',
    env: 'GATEHOUSE_TRUSTED_PROXIES',
    description: 'comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For gives the source address (rate limits, AllowedNetwork)',
    defaultText: '(none)',
    parse: parseCidrList,
  },
  {
    key: 'allowedNetworks',
    env: 'GATEHOUSE_ALLOWED_NETWORKS',
    description: 'comma-separated CIDR ranges the AllowedNetwork security check accepts',
    defaultText: '(none)',
    parse: parseCidrList,
  },
  {
    key: 'pinMaxAttempts',
    env: 'GATEHOUSE_PIN_MAX_ATTEMPTS',
    description: 'wrong PINs in a row that block the PinCode security check',
    defaultText: '3',
    parse: integer(1, 100),
  },
  {
    key: 'pinBlockDuration',
    env: 'GATEHOUSE_PIN_BLOCK_DURATION',
    description: 'seconds a blocked PinCode check refuses every answer',
    defaultText: '300',
    parse: integer(1, 30 * 86_400),
  },
  {
    key: 'pinLifetime',
    env: 'GATEHOUSE_PIN_LIFETIME',
    description: 'seconds a correct PIN holds (and caps tokens whose scope needs PinCode)',
    defaultText: '3600',
    parse: integer(1, 99_999_999),
  },
  {
    key: 'userLoginLifetime',
    env: 'GATEHOUSE_USER_LOGIN_LIFETIME',
    description: 'seconds a UserLogin success holds (and caps tokens whose scope needs UserLogin)',
    defaultText: '3600',
    parse: integer(1, 99_999_999),
  },
  {
    key: 'userLoginRememberMeLifetime',
    env: 'GATEHOUSE_USER_LOGIN_REMEMBER_ME_LIFETIME',
    description: 'seconds a UserLogin success answered with rememberMe: true holds',
    defaultText: '2592000',
    parse: integer(1, 99_999_999),
  },
  {
    key: 'registrationRateLimitPerAddress',
    env: 'GATEHOUSE_REGISTRATION_RATE_LIMIT_PER_ADDRESS',
    description: 'app-instance registrations (POST /oauth/register) per minute per source address (429 beyond); counted per instance, or across instances with REDIS_URL; 0 turns it off',
    defaultText: '20',
    parse: integer(0, 1_000_000),
  },
  {
    key: 'registrationsPerInitialAccessToken',
    env: 'GATEHOUSE_REGISTRATIONS_PER_INITIAL_ACCESS_TOKEN',
    description: 'app instances one initial access token may register (401 invalid_token beyond; counted in the database, so across instances); 0: no cap',
    defaultText: '1000',
    parse: integer(0, 100_000_000),
  },
  {
    key: 'housekeepingInterval',
    env: 'GATEHOUSE_HOUSEKEEPING_INTERVAL',
    description:
      'seconds between housekeeping runs, which purge expired revocations, used assertion ids, expired and long-used refresh tokens, old change events and settled security-check states in batches; one instance at a time on PostgreSQL; 0 turns it off',
    defaultText: '60',
    parse: integer(0, 86_400),
  },
  {
    key: 'auditRetention',
    env: 'GATEHOUSE_AUDIT_RETENTION',
    description:
      'seconds audit events are kept; housekeeping deletes older ones (every issued token is an event, so the table grows with the token rate); 0 keeps them forever',
    defaultText: '7776000 (90 days)',
    parse: integer(0, 100 * 365 * 86_400),
  },
  {
    key: 'usedRefreshTokenRetention',
    env: 'GATEHOUSE_USED_REFRESH_TOKEN_RETENTION',
    description:
      'seconds a rotated refresh token is kept (unless it expires first) so that its replay revokes its family; afterwards housekeeping deletes it and a replay is merely refused',
    defaultText: '604800',
    parse: integer(60, 400 * 86_400),
  },
  {
    key: 'metrics',
    env: 'GATEHOUSE_METRICS',
    description: 'on: GET /metrics answers Prometheus metrics; off: no metrics and no /metrics route',
    defaultText: 'on',
    parse: (raw) => {
      if (raw === true || raw === 'on' || raw === 'true') return true;
      if (raw === false || raw === 'off' || raw === 'false') return false;
      throw new Error('must be on or off');
    },
  },
  {
    key: 'metricsToken',
    env: 'GATEHOUSE_METRICS_TOKEN',
    description:
      'bearer token that GET /metrics requires (401 without it), on the main address or on GATEHOUSE_METRICS_LISTEN; with neither set, /metrics answers every caller 401',
    defaultText: '(none)',
    sensitive: true,
    parse: optionalBearerToken(16),
  },
  {
    key: 'metricsListen',
    env: 'GATEHOUSE_METRICS_LISTEN',
    description:
      'host:port of a listener of its own that serves only GET /metrics (the main address then has no /metrics): without a token unless GATEHOUSE_METRICS_TOKEN is set, so bind it to an address only scrapers reach',
    defaultText: '(none)',
    parse: optionalListenAddress,
  },
  {
    key: 'redisUrl',
    env: 'REDIS_URL',
    description:
      'redis:// or rediss:// URL: rate limits are counted in this Redis, shared by every instance; unset: each instance counts alone, except the password-check limits, which the database then shares',
    defaultText: '(unset)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^rediss?:\/\/./.test(text)) throw new Error('must be a redis:// or rediss:// URL');
      return text;
    },
  },
  {
    key: 'redisKeyPrefix',
    env: 'GATEHOUSE_REDIS_PREFIX',
    description: 'prefix of the keys Gatehouse writes to Redis (deployments sharing a Redis use different prefixes)',
    defaultText: 'gatehouse:',
    parse: matching(/^[\x21-\x7E]{1,64}$/, 'must be 1 to 64 visible ASCII characters'),
  },
  {
    key: 'workers',
    env: 'GATEHOUSE_WORKERS',
    description:
      'worker processes of gatehouse serve sharing its port (node:cluster), e.g. one per core; `serve --workers N` wins. The primary migrates once, restarts crashed workers and forwards SIGTERM',
    defaultText: '1',
    parse: integer(1, 256),
  },
  {
    key: 'logLevel',
    env: 'GATEHOUSE_LOG_LEVEL',
    description: 'pino log level',
    defaultText: 'info',
    parse: oneOf(LOG_LEVELS),
  },
];

