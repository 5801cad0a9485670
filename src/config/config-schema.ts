import { parseCidrList } from '../shared/networks.js';
import { SIGNING_ALGS } from '../shared/signing-algs.js';
import { quoteValue } from '../shared/quote-value.js';
import {
  bindAddress,
  envNamePatternList,
  httpUrl,
  integer,
  matching,
  nonEmptyString,
  oneOf,
  optional,
  optionalBearerToken,
  optionalListenAddress,
  passThroughPrefixes,
  scopeName,
  scopeNameList,
} from './setting-parsers.js';
import { COOKIE_NAME_PATTERN, COOKIE_PATH_PATTERN, DOMAIN_PATTERN, HEADER_NAME_PATTERN, RESERVED_TOKEN_HEADERS } from './token-delivery-patterns.js';

/**
 * The settings table: the one description of every setting. The config's type (`GatehouseConfig`), its defaults,
 * the loader and the README's configuration reference are all derived from it.
 */

/** One configuration setting: where it comes from, what it means, how it is checked, what it is when unset. */
interface SettingSpec<T> {
  /** Environment variable (the config file uses the setting's key). */
  env: string;
  description: string;
  /** Parses a raw value (string from the environment, or any JSON value from the file); throws a message on a bad value. Its return type is the setting's type. */
  parse: (raw: unknown) => T;
  /** The value when neither the file, the environment nor an override sets it. */
  default: NoInfer<T> | DerivedDefault<NoInfer<T>>;
  /** Default shown in documentation; omitted: the default value itself. */
  defaultText?: string;
  /** Holds a secret (or credentials): an error about it never repeats the value. */
  sensitive?: boolean;
}

/** A default computed from the other settings once they are all read (overrides included). */
export class DerivedDefault<T> {
  constructor(readonly compute: (settings: Readonly<Record<string, unknown>>) => T) {}
}

/** Checks a table entry against its own parser's type (the default must be of the type the parser returns). */
function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting by its key (the config file's name for it and the property of `GatehouseConfig`), in the README's order. */
export const SETTING_TABLE = {
  port: setting({
    env: 'PORT',
    description: 'TCP port of the HTTP server',
    default: 8080,
    parse: integer(0, 65535),
  }),
  host: setting({
    env: 'HOST',
    description: 'address the HTTP server binds to',
    default: '127.0.0.1',
    parse: bindAddress,
  }),
  issuer: setting({
    env: 'GATEHOUSE_ISSUER',
    description: 'issuer identifier and default token audience (https in production)',
    default: new DerivedDefault((settings) => `http://127.0.0.1:${Number(settings.port)}`),
    defaultText: 'http://127.0.0.1:<port>',
    parse: httpUrl,
  }),
  dataDir: setting({
    env: 'GATEHOUSE_DATA_DIR',
    description: 'folder of the embedded database and the generated master secret',
    default: './data',
    parse: nonEmptyString,
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    description: 'a postgres:// URL selects PostgreSQL; unset uses the embedded SQLite database',
    default: undefined,
    defaultText: '(unset)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^postgres(ql)?:\/\//.test(text)) throw new Error('must be a postgres:// or postgresql:// URL');
      return text;
    },
  }),
  adminToken: setting({
    env: 'GATEHOUSE_ADMIN_TOKEN',
    description: 'bearer token of the admin API; unset: generated on first start, printed once, kept as a digest',
    default: undefined,
    defaultText: '(generated)',
    sensitive: true,
    parse: optionalBearerToken(16),
  }),
  adminPassword: setting({
    env: 'GATEHOUSE_ADMIN_PASSWORD',
    description: 'password (12+ characters) of the console administrator `admin`, created on a start when no administrator exists; ignored afterwards',
    default: undefined,
    defaultText: '(none)',
    sensitive: true,
    parse: optional((raw) => {
      if (typeof raw !== 'string' || raw.length < 12 || raw.length > 1024) throw new Error('must be 12 to 1024 characters');
      return raw;
    }),
  }),
  adminSessionIdle: setting({
    env: 'GATEHOUSE_ADMIN_SESSION_IDLE',
    description: 'seconds without a request after which a console session ends',
    default: 1800,
    parse: integer(60, 7 * 86_400),
  }),
  adminSessionMax: setting({
    env: 'GATEHOUSE_ADMIN_SESSION_MAX',
    description: 'seconds after sign-in after which a console session ends, however busy',
    default: 43_200,
    parse: integer(60, 30 * 86_400),
  }),
  adminSignInLimitPerUsername: setting({
    env: 'GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_USERNAME',
    description:
      'console sign-ins per username within 15 minutes, counted when they arrive, before the password check (a success gives its slot back, so only failures spend it); beyond it 429 with Retry-After; shared by every instance (in Redis with REDIS_URL, else in the database)',
    default: 5,
    parse: integer(1, 10_000),
  }),
  adminSignInLimitPerAddress: setting({
    env: 'GATEHOUSE_ADMIN_SIGNIN_LIMIT_PER_ADDRESS',
    description:
      'console sign-ins per source address (IPv6: per /64) within 15 minutes, counted like the per-username limit; beyond it 429 with Retry-After; shared by every instance (in Redis with REDIS_URL, else in the database)',
    default: 20,
    parse: integer(1, 10_000),
  }),
  signingAlg: setting({
    env: 'GATEHOUSE_SIGNING_ALG',
    description: 'algorithm of the access-token signing key',
    default: 'ES256',
    parse: oneOf(SIGNING_ALGS),
  }),
  masterSecret: setting({
    env: 'GATEHOUSE_SECRET',
    description:
      'base64url master secret (32 random bytes) that encrypts private keys and keys secret digests; unset: generated in the data folder. Set the same value on every instance sharing a PostgreSQL database',
    default: undefined,
    defaultText: '(generated in <data dir>/master.key)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^[A-Za-z0-9_-]{43,}$/.test(text)) throw new Error('must be at least 32 bytes as base64url (43+ characters)');
      return text;
    },
  }),
  maxTokenLifetime: setting({
    env: 'GATEHOUSE_MAX_TOKEN_LIFETIME',
    description: "server's upper bound on access-token lifetime in seconds (applies when a client's lifetime is 0 or larger)",
    default: 86_400,
    parse: integer(1, 99_999_999),
  }),
  idTokenLifetime: setting({
    env: 'GATEHOUSE_ID_TOKEN_LIFETIME',
    description: 'lifetime of OpenID Connect ID tokens in seconds (their exp is iat plus this)',
    default: 3600,
    parse: integer(1, 86_400),
  }),
  secretRotationGrace: setting({
    env: 'GATEHOUSE_SECRET_ROTATION_GRACE',
    description: 'seconds a rotated client secret keeps working unless the rotation names another grace period',
    default: 3_600,
    parse: integer(0, 30 * 86400),
  }),
  keyActivationDelay: setting({
    env: 'GATEHOUSE_KEY_ACTIVATION_DELAY',
    description: 'seconds a rotated signing key is published in the JWKS before it signs',
    default: 300,
    parse: integer(0, 7 * 86400),
  }),
  resources: setting({
    env: 'GATEHOUSE_RESOURCES',
    description: "comma-separated absolute URIs that clients may request as token audience (RFC 8707 resource), besides the issuer itself (Gatehouse's own APIs), which always is one",
    default: [],
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
          throw new Error(`${quoteValue(text)} is not an absolute URI`);
        }
        if (url.hash) throw new Error(`${quoteValue(text)} must not have a fragment (RFC 8707 §2)`);
        resources.push(text);
      }
      return resources;
    },
  }),
  changePollInterval: setting({
    env: 'GATEHOUSE_CHANGE_POLL_MS',
    description: 'on SQLite: milliseconds between checks for changes made by other processes (CLI, other instances)',
    default: 250,
    parse: integer(20, 60_000),
  }),
  changeSafetyPollInterval: setting({
    env: 'GATEHOUSE_CHANGE_SAFETY_POLL_MS',
    description: 'on PostgreSQL, where changes arrive at once by LISTEN/NOTIFY: milliseconds between safety reads of the change table and checks of the listening connection',
    default: 5_000,
    parse: integer(100, 600_000),
  }),
  dbTimeoutMs: setting({
    env: 'GATEHOUSE_DB_TIMEOUT_MS',
    description: 'on PostgreSQL: milliseconds a request waits for a connection, and for each statement, before it answers 503 temporarily_unavailable',
    default: 5_000,
    parse: integer(100, 600_000),
  }),
  shutdownGraceMs: setting({
    env: 'GATEHOUSE_SHUTDOWN_GRACE_MS',
    description: 'milliseconds in-flight requests may take to finish after SIGTERM (new connections are refused at once)',
    default: 10_000,
    parse: integer(0, 600_000),
  }),
  requestTimeoutMs: setting({
    env: 'GATEHOUSE_REQUEST_TIMEOUT_MS',
    description:
      'milliseconds in which a request (headers and whole body) must arrive, counted from its first byte; a slower one is answered 408 and its connection closed (checked about every second); 0 turns it off',
    default: 30_000,
    parse: integer(0, 3_600_000),
  }),
  headersTimeoutMs: setting({
    env: 'GATEHOUSE_HEADERS_TIMEOUT_MS',
    description: 'milliseconds in which the headers of a request must arrive (408 and the connection closed beyond); capped at GATEHOUSE_REQUEST_TIMEOUT_MS when that is set',
    default: 10_000,
    parse: integer(1, 3_600_000),
  }),
  connectionTimeoutMs: setting({
    env: 'GATEHOUSE_CONNECTION_TIMEOUT_MS',
    description:
      'milliseconds a connection may go without sending or receiving anything while a request is under way (a client that stops reading the answer, say) before it is closed; keep it above GATEHOUSE_COMMAND_TIMEOUT_MS; 0 turns it off',
    default: 120_000,
    parse: integer(0, 3_600_000),
  }),
  userAdminRole: setting({
    env: 'GATEHOUSE_USER_ADMIN_ROLE',
    description:
      'role a user must hold to manage users through the user API (/api/users) with a user token; such a user grants only roles it holds and manages only users whose roles it holds (a client token acting for itself needs only the `users` scope)',
    default: 'user-admin',
    parse: matching(/^[\x21-\x7E]{1,64}$/, 'must be a role name (1 to 64 printable characters, no spaces)'),
  }),
  lockoutThreshold: setting({
    env: 'GATEHOUSE_LOCKOUT_THRESHOLD',
    description:
      'wrong passwords within the lockout window that lock a user; also the most password checks of one username per window (password grant and UserLogin, counted when they arrive, a success giving its slot back); beyond it, and while locked, 429 without a check',
    default: 5,
    parse: integer(1, 1000),
  }),
  lockoutWindow: setting({
    env: 'GATEHOUSE_LOCKOUT_WINDOW',
    description: 'seconds over which wrong passwords are counted',
    default: 900,
    parse: integer(1, 86_400),
  }),
  lockoutDuration: setting({
    env: 'GATEHOUSE_LOCKOUT_DURATION',
    description: 'seconds a locked user stays locked',
    default: 900,
    parse: integer(1, 30 * 86_400),
  }),
  passwordRateLimitPerClient: setting({
    env: 'GATEHOUSE_PASSWORD_RATE_LIMIT_PER_CLIENT',
    description:
      'password checks (password grant and UserLogin answers) per minute per authenticated client, counted when they arrive, before the password is checked (429 with Retry-After beyond); shared by every instance (in Redis with REDIS_URL, else in the database); 0 turns it off',
    default: 120,
    parse: integer(0, 1_000_000),
  }),
  passwordRateLimitPerAddress: setting({
    env: 'GATEHOUSE_PASSWORD_RATE_LIMIT_PER_ADDRESS',
    description:
      'password checks (password grant and UserLogin answers) per minute per source address (IPv6: per /64), counted when they arrive, before the password is checked (429 with Retry-After beyond); shared by every instance (in Redis with REDIS_URL, else in the database); 0 turns it off',
    default: 60,
    parse: integer(0, 1_000_000),
  }),
  tokenRateLimitPerClient: setting({
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_PER_CLIENT',
    description:
      'token requests (every grant of POST /oauth/token and the application-token endpoint) per window per client, counted only once the client has authenticated (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    default: 6_000,
    parse: integer(0, 100_000_000),
  }),
  tokenRateLimitPerAddress: setting({
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_PER_ADDRESS',
    description:
      'token requests (every grant of POST /oauth/token and the application-token endpoint, authenticated or not) per window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    default: 20_000,
    parse: integer(0, 100_000_000),
  }),
  tokenRateLimitWindow: setting({
    env: 'GATEHOUSE_TOKEN_RATE_LIMIT_WINDOW',
    description: "seconds of the window of the token-request rate limits; each key's window starts with its first request",
    default: 60,
    parse: integer(1, 3_600),
  }),
  introspectionRateLimitPerAddress: setting({
    env: 'GATEHOUSE_INTROSPECTION_RATE_LIMIT_PER_ADDRESS',
    description:
      'introspection requests (POST /oauth/introspect, authenticated or not) per token-limit window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    default: 20_000,
    parse: integer(0, 100_000_000),
  }),
  revocationRateLimitPerAddress: setting({
    env: 'GATEHOUSE_REVOCATION_RATE_LIMIT_PER_ADDRESS',
    description: 'revocation requests (POST /oauth/revoke, authenticated or not) per token-limit window per source address (429 with Retry-After beyond); in memory, per instance; 0 turns it off',
    default: 6_000,
    parse: integer(0, 100_000_000),
  }),
  cookieName: setting({
    env: 'GATEHOUSE_COOKIE_NAME',
    description: 'name of the cookie that may carry an access token',
    default: 'gatehouse_access_token',
    parse: matching(COOKIE_NAME_PATTERN, "must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)"),
  }),
  cookieDomain: setting({
    env: 'GATEHOUSE_COOKIE_DOMAIN',
    description: 'Domain attribute of the token cookie, so that a portal and Gatehouse on sibling hosts share it',
    default: undefined,
    defaultText: '(host only)',
    parse: optional(matching(DOMAIN_PATTERN, 'must be a domain name such as example.com')),
  }),
  cookiePath: setting({
    env: 'GATEHOUSE_COOKIE_PATH',
    description: 'Path attribute of the token cookie',
    default: '/',
    parse: matching(COOKIE_PATH_PATTERN, 'must be a path starting with /'),
  }),
  cookieSameSite: setting({
    env: 'GATEHOUSE_COOKIE_SAMESITE',
    description: 'SameSite attribute of the token cookie (strict, lax or none; none needs an https issuer)',
    default: 'lax',
    parse: oneOf(['strict', 'lax', 'none'] as const),
  }),
  cookieSecure: setting({
    env: 'GATEHOUSE_COOKIE_SECURE',
    description: 'Secure attribute of the token cookie (true/false); default: when the issuer is https',
    default: undefined,
    defaultText: '(issuer is https)',
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new Error('must be true or false');
    },
  }),
  cookieHttpOnly: setting({
    env: 'GATEHOUSE_COOKIE_HTTP_ONLY',
    description: 'HttpOnly attribute of the token cookie (true/false)',
    default: true,
    parse: (raw) => {
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new Error('must be true or false');
    },
  }),
  cookieRenewFraction: setting({
    env: 'GATEHOUSE_COOKIE_RENEW_FRACTION',
    description: 'a still-valid cookie token used in this last fraction of its life gets a fresh cookie (0 turns renewal off)',
    default: 0.2,
    parse: (raw) => {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^(0(\.\d+)?|1(\.0+)?)$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!(value >= 0 && value <= 1)) throw new Error('must be a number from 0 to 1');
      return value;
    },
  }),
  tokenHeader: setting({
    env: 'GATEHOUSE_TOKEN_HEADER',
    description: 'extra request header that may carry an access token (after Authorization, before the cookie)',
    default: 'X-Gatehouse-Access-Token',
    parse: (raw) => {
      const name = matching(HEADER_NAME_PATTERN, "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)")(raw);
      if (RESERVED_TOKEN_HEADERS.includes(name.toLowerCase())) throw new Error(`must not be ${name}, which already has a meaning`);
      return name;
    },
  }),
  launchLifetime: setting({
    env: 'GATEHOUSE_LAUNCH_LIFETIME',
    description: 'seconds a launch link of the embedding hand-off (POST /api/auth/sign/ap/launch) may be opened, once',
    default: 60,
    parse: integer(5, 600),
  }),
  launchPassThroughPrefixes: setting({
    env: 'GATEHOUSE_LAUNCH_PASS_THROUGH_PREFIXES',
    description:
      'comma-separated name prefixes (a JSON array in the config file) of the parameters a launch link passes through to its target; other parameters never reach it; `[]` in the config file: none',
    default: ['VS_', 'VN_'],
    defaultText: 'VS_,VN_',
    parse: passThroughPrefixes,
  }),
  maxAssertionLifetime: setting({
    env: 'GATEHOUSE_MAX_ASSERTION_LIFETIME',
    description: 'longest a client assertion (private_key_jwt) may live, exp minus iat, in seconds',
    default: 300,
    parse: integer(1, 3600),
  }),
  clockTolerance: setting({
    env: 'GATEHOUSE_CLOCK_TOLERANCE',
    description: "seconds of leeway for exp and nbf when Gatehouse's own resources check tokens",
    default: 5,
    parse: integer(0, 300),
  }),
  auditStream: setting({
    env: 'GATEHOUSE_AUDIT_STREAM',
    description: 'also write every audit event as a JSON line to `stdout` or to this file (appended)',
    default: undefined,
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  }),
  auditFlushMs: setting({
    env: 'GATEHOUSE_AUDIT_FLUSH_MS',
    description: 'issued-token audit events are written in batches: at most this many milliseconds after the token (or at 500 events)',
    default: 200,
    parse: integer(10, 60_000),
  }),
  auditQueueLimit: setting({
    env: 'GATEHOUSE_AUDIT_QUEUE_LIMIT',
    description: 'issued-token audit events kept in memory while the database does not take them; beyond, new ones are dropped and counted in `gatehouse_audit_events_dropped_total`',
    default: 20_000,
    parse: integer(1, 10_000_000),
  }),
  commandsDir: setting({
    env: 'GATEHOUSE_COMMANDS_DIR',
    description: 'folder of server-command modules (.js, .mjs, .ts) and http-request definitions (.json)',
    default: undefined,
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  }),
  usersScope: setting({
    env: 'GATEHOUSE_USERS_SCOPE',
    description: 'name of the scope that reaches the user API (/api/users); tokens, 403 answers and discovery use it, and no application may take it as its name',
    default: 'users',
    parse: scopeName,
  }),
  usersScopeAliases: setting({
    env: 'GATEHOUSE_USERS_SCOPE_ALIASES',
    description: 'comma-separated extra scope names the user API accepts as its scope (e.g. the names of the platform Gatehouse replaces); listed in discovery, reserved like the name',
    default: [],
    defaultText: '(none)',
    parse: scopeNameList,
  }),
  commandsScope: setting({
    env: 'GATEHOUSE_COMMANDS_SCOPE',
    description: "name of the scope that reaches every application's server commands; 403 answers and discovery use it, and no application may take it as its name",
    default: 'commands',
    parse: scopeName,
  }),
  commandsScopeAliases: setting({
    env: 'GATEHOUSE_COMMANDS_SCOPE_ALIASES',
    description: 'comma-separated extra scope names accepted as the all-commands scope; listed in discovery, reserved like the name',
    default: [],
    defaultText: '(none)',
    parse: scopeNameList,
  }),
  commandTimeoutMs: setting({
    env: 'GATEHOUSE_COMMAND_TIMEOUT_MS',
    description: 'time limit of a server command in milliseconds (504 beyond), unless the command sets its own',
    default: 30_000,
    parse: integer(1, 3_600_000),
  }),
  commandMaxResponseBytes: setting({
    env: 'GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES',
    description:
      'most bytes of response body an http-request command reads from its upstream system (checked against Content-Length and while reading; beyond, the call is aborted and answers 502 `upstream_too_large`), unless the command sets its own `maxResponseBytes`',
    default: 1_048_576,
    parse: integer(1, 1_073_741_824),
  }),
  commandInternalNetworks: setting({
    env: 'GATEHOUSE_COMMAND_INTERNAL_NETWORKS',
    description:
      'comma-separated CIDR ranges of non-public addresses (loopback, private, link-local, unique-local, metadata) that every http-request command may call; other such addresses are refused (checked on the resolved address connected to; a command may add its own `internalNetworks`)',
    default: [],
    defaultText: '(none)',
    parse: parseCidrList,
  }),
  commandEnv: setting({
    env: 'GATEHOUSE_COMMAND_ENV',
    description:
      'comma-separated environment variable names (or `PREFIX*` patterns) whose values http-request commands stored or tried through the admin API may use as `{{env.NAME}}`; a definition naming any other is refused (commands of GATEHOUSE_COMMANDS_DIR may use every variable)',
    default: [],
    defaultText: '(none)',
    parse: envNamePatternList,
  }),
  checksDir: setting({
    env: 'GATEHOUSE_CHECKS_DIR',
    description: 'folder of custom security checks (.js, .mjs; default export made with defineSecurityCheck)',
    default: undefined,
    defaultText: '(none)',
    parse: optional(nonEmptyString),
  }),
  trustedProxies: setting({
    env: 'GATEHOUSE_TRUSTED_PROXIES',
    description: 'comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For gives the source address (rate limits, AllowedNetwork)',
    default: [],
    defaultText: '(none)',
    parse: parseCidrList,
  }),
  allowedNetworks: setting({
    env: 'GATEHOUSE_ALLOWED_NETWORKS',
    description: 'comma-separated CIDR ranges the AllowedNetwork security check accepts',
    default: [],
    defaultText: '(none)',
    parse: parseCidrList,
  }),
  pinMaxAttempts: setting({
    env: 'GATEHOUSE_PIN_MAX_ATTEMPTS',
    description: 'wrong PINs in a row that block the PinCode security check',
    default: 3,
    parse: integer(1, 100),
  }),
  pinBlockDuration: setting({
    env: 'GATEHOUSE_PIN_BLOCK_DURATION',
    description: 'seconds a blocked PinCode check refuses every answer',
    default: 300,
    parse: integer(1, 30 * 86_400),
  }),
  pinLifetime: setting({
    env: 'GATEHOUSE_PIN_LIFETIME',
    description: 'seconds a correct PIN holds (and caps tokens whose scope needs PinCode)',
    default: 3600,
    parse: integer(1, 99_999_999),
  }),
  userLoginLifetime: setting({
    env: 'GATEHOUSE_USER_LOGIN_LIFETIME',
    description: 'seconds a UserLogin success holds (and caps tokens whose scope needs UserLogin)',
    default: 3600,
    parse: integer(1, 99_999_999),
  }),
  userLoginRememberMeLifetime: setting({
    env: 'GATEHOUSE_USER_LOGIN_REMEMBER_ME_LIFETIME',
    description: 'seconds a UserLogin success answered with rememberMe: true holds',
    default: 30 * 86_400,
    parse: integer(1, 99_999_999),
  }),
  browserSessionIdleLifetime: setting({
    env: 'GATEHOUSE_BROWSER_SESSION_IDLE_LIFETIME',
    description: 'seconds a browser sign-in session (single sign-on) lasts without use; each sign-in through it moves the end forward',
    default: 1800,
    parse: integer(60, 99_999_999),
  }),
  browserSessionLifetime: setting({
    env: 'GATEHOUSE_BROWSER_SESSION_LIFETIME',
    description: 'seconds a browser sign-in session lasts at most, however much it is used; the person signs in again afterwards',
    default: 36_000,
    parse: integer(60, 99_999_999),
  }),
  registrationRateLimitPerAddress: setting({
    env: 'GATEHOUSE_REGISTRATION_RATE_LIMIT_PER_ADDRESS',
    description: 'requests to POST /oauth/register (RFC 7591 registration) per minute per source address (429 beyond); counted per instance, or across instances with REDIS_URL; 0 turns it off',
    default: 20,
    parse: integer(0, 1_000_000),
  }),
  registrationsPerInitialAccessToken: setting({
    env: 'GATEHOUSE_REGISTRATIONS_PER_INITIAL_ACCESS_TOKEN',
    description: 'app instances one initial access token may register (401 invalid_token beyond; counted in the database, so across instances); 0: no cap',
    default: 1000,
    parse: integer(0, 100_000_000),
  }),
  openRegistration: setting({
    env: 'GATEHOUSE_OPEN_REGISTRATION',
    description:
      'true: POST /oauth/register also accepts, without an initial access token, authorization_code clients (public, or private_key_jwt with jwks) under GATEHOUSE_OPEN_REGISTRATION_PROFILE while that profile has registration_enabled (for MCP clients); false: every registration needs an initial access token',
    default: false,
    parse: (raw) => {
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new Error('must be true or false');
    },
  }),
  openRegistrationProfile: setting({
    env: 'GATEHOUSE_OPEN_REGISTRATION_PROFILE',
    description: 'the security profile open registrations go under: its scope mapping decides the scope elements and checks of the clients; required when GATEHOUSE_OPEN_REGISTRATION is true',
    default: undefined,
    defaultText: '(unset)',
    parse: optional(matching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be a profile name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")),
  }),
  openRegistrationRateLimitPerAddress: setting({
    env: 'GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_PER_ADDRESS',
    description:
      'open registrations (no initial access token) per source address (IPv6 by /64) per GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW (429 beyond); counted atomically in the database, or in Redis with REDIS_URL, so across instances; 0 turns it off',
    default: 10,
    parse: integer(0, 1_000_000),
  }),
  openRegistrationRateLimitWindow: setting({
    env: 'GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_WINDOW',
    description: 'seconds of the window of GATEHOUSE_OPEN_REGISTRATION_RATE_LIMIT_PER_ADDRESS',
    default: 3600,
    parse: integer(1, 7 * 86_400),
  }),
  housekeepingInterval: setting({
    env: 'GATEHOUSE_HOUSEKEEPING_INTERVAL',
    description:
      'seconds between housekeeping runs, which purge expired revocations, used assertion ids, expired and long-used refresh tokens, old change events, settled security-check states, and expired sign-in interactions, authorization codes (kept 10 minutes past expiry so a replay still revokes its grant), pushed authorization requests and browser sessions (past their absolute expiry, or ended a day ago) in batches; one instance at a time on PostgreSQL; 0 turns it off',
    default: 60,
    parse: integer(0, 86_400),
  }),
  auditRetention: setting({
    env: 'GATEHOUSE_AUDIT_RETENTION',
    description: 'seconds audit events are kept; housekeeping deletes older ones (every issued token is an event, so the table grows with the token rate); 0 keeps them forever',
    default: 90 * 86_400,
    defaultText: '7776000 (90 days)',
    parse: integer(0, 100 * 365 * 86_400),
  }),
  usedRefreshTokenRetention: setting({
    env: 'GATEHOUSE_USED_REFRESH_TOKEN_RETENTION',
    description: 'seconds a rotated refresh token is kept (unless it expires first) so that its replay revokes its family; afterwards housekeeping deletes it and a replay is merely refused',
    default: 7 * 86_400,
    parse: integer(60, 400 * 86_400),
  }),
  metrics: setting({
    env: 'GATEHOUSE_METRICS',
    description: 'on: GET /metrics answers Prometheus metrics; off: no metrics and no /metrics route',
    default: true,
    defaultText: 'on',
    parse: (raw) => {
      if (raw === true || raw === 'on' || raw === 'true') return true;
      if (raw === false || raw === 'off' || raw === 'false') return false;
      throw new Error('must be on or off');
    },
  }),
  metricsToken: setting({
    env: 'GATEHOUSE_METRICS_TOKEN',
    description: 'bearer token that GET /metrics requires (401 without it), on the main address or on GATEHOUSE_METRICS_LISTEN; with neither set, /metrics answers every caller 401',
    default: undefined,
    defaultText: '(none)',
    sensitive: true,
    parse: optionalBearerToken(16),
  }),
  metricsListen: setting({
    env: 'GATEHOUSE_METRICS_LISTEN',
    description:
      'host:port of a listener of its own that serves only GET /metrics (the main address then has no /metrics): without a token unless GATEHOUSE_METRICS_TOKEN is set, so bind it to an address only scrapers reach',
    default: undefined,
    defaultText: '(none)',
    parse: optionalListenAddress,
  }),
  redisUrl: setting({
    env: 'REDIS_URL',
    description:
      'redis:// or rediss:// URL: rate limits are counted in this Redis, shared by every instance; unset: each instance counts alone, except the password-check limits, which the database then shares',
    default: undefined,
    defaultText: '(unset)',
    sensitive: true,
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      const text = nonEmptyString(raw);
      if (!/^rediss?:\/\/./.test(text)) throw new Error('must be a redis:// or rediss:// URL');
      return text;
    },
  }),
  redisKeyPrefix: setting({
    env: 'GATEHOUSE_REDIS_PREFIX',
    description: 'prefix of the keys Gatehouse writes to Redis (deployments sharing a Redis use different prefixes)',
    default: 'gatehouse:',
    parse: matching(/^[\x21-\x7E]{1,64}$/, 'must be 1 to 64 visible ASCII characters'),
  }),
  workers: setting({
    env: 'GATEHOUSE_WORKERS',
    description:
      'worker processes of gatehouse serve sharing its port (node:cluster), e.g. one per core; `serve --workers N` wins. The primary migrates once, restarts crashed workers and forwards SIGTERM',
    default: 1,
    parse: integer(1, 256),
  }),
  logLevel: setting({
    env: 'GATEHOUSE_LOG_LEVEL',
    description: 'pino log level',
    default: 'info',
    parse: oneOf(LOG_LEVELS),
  }),
};

type SettingKey = keyof typeof SETTING_TABLE;

/** A table entry with its key. */
export type Setting = { [K in SettingKey]: (typeof SETTING_TABLE)[K] & { readonly key: K } }[SettingKey];

/** The settings as a list, in the table's order. */
export const SETTINGS = Object.entries(SETTING_TABLE).map(([key, spec]) => ({ key, ...spec })) as Setting[];

/** The default as the documentation shows it. */
export function defaultText(setting: Setting): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  const value: unknown = setting.default;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`setting ${setting.key} needs a defaultText`);
}
