/** The one typed configuration object every part of Gatehouse reads. */
export const SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface GatehouseConfig {
  /** TCP port the HTTP server listens on. */
  port: number;
  /** Address the HTTP server binds to. */
  host: string;
  /** Issuer identifier (RFC 8414); also the default audience of access tokens. */
  issuer: string;
  /** Folder of the embedded database and of the generated master secret. */
  dataDir: string;
  /** `postgres://` URL selecting PostgreSQL; undefined selects the embedded SQLite store. */
  databaseUrl: string | undefined;
  /** Admin API bearer token; undefined means one is generated on first start and kept as a digest. */
  adminToken: string | undefined;
  /** Password of the administrator `admin` created on a start when none exists. */
  adminPassword: string | undefined;
  /** Seconds without a request that end a console session. */
  adminSessionIdle: number;
  /** Seconds after sign-in that end a console session. */
  adminSessionMax: number;
  /** Failed console sign-ins per username (15 minutes) before 429. */
  adminSignInLimitPerUsername: number;
  /** Failed console sign-ins per source address (15 minutes) before 429. */
  adminSignInLimitPerAddress: number;
  /** Algorithm of newly created signing keys. */
  signingAlg: SigningAlg;
  /** Base64url master secret (32 bytes) for key encryption and secret digests; undefined: generated in dataDir. */
  masterSecret: string | undefined;
  /** Upper bound on every access token's lifetime, seconds. */
  maxTokenLifetime: number;
  /** How long a rotated client secret keeps working by default, seconds. */
  secretRotationGrace: number;
  /** Delay between publishing a rotated signing key and signing with it, seconds. */
  keyActivationDelay: number;
  /** Registered resource indicators (RFC 8707) that may be requested as token audiences. */
  resources: string[];
  /** How often a running server on SQLite checks the store for changes made elsewhere, milliseconds. */
  changePollInterval: number;
  /** On PostgreSQL (changes arrive by LISTEN/NOTIFY): how often the change table is read anyway, milliseconds. */
  changeSafetyPollInterval: number;
  /** Longest a server waits for PostgreSQL to connect or answer one statement before answering 503, milliseconds. */
  dbTimeoutMs: number;
  /** Longest in-flight requests may take to finish after SIGTERM/SIGINT, milliseconds. */
  shutdownGraceMs: number;
  /** Milliseconds in which a request's headers and body must have arrived (408 beyond); 0: no limit. */
  requestTimeoutMs: number;
  /** Milliseconds in which a request's headers must have arrived (408 beyond); at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** Milliseconds a connection may stay without any traffic while a request is open before it is closed; 0: no limit. */
  connectionTimeoutMs: number;
  /** Password failures within the lockout window that lock a user. */
  lockoutThreshold: number;
  /** Seconds over which password failures are counted. */
  lockoutWindow: number;
  /** Seconds a locked user stays locked. */
  lockoutDuration: number;
  /** Password-grant requests per minute per client. */
  passwordRateLimitPerClient: number;
  /** Password-grant requests per minute per source address. */
  passwordRateLimitPerAddress: number;
  /** Token requests (every grant, and the application-token endpoint) per window per authenticated client; 0: no limit. */
  tokenRateLimitPerClient: number;
  /** Token requests (every grant, and the application-token endpoint) per window per source address; 0: no limit. */
  tokenRateLimitPerAddress: number;
  /** Seconds of the token-request rate-limit window. */
  tokenRateLimitWindow: number;
  /** Introspection requests per token-limit window per source address; 0: no limit. */
  introspectionRateLimitPerAddress: number;
  /** Revocation requests per token-limit window per source address; 0: no limit. */
  revocationRateLimitPerAddress: number;
  /** Name of the cookie that may carry an access token. */
  cookieName: string;
  /** Domain attribute of that cookie (so sibling hosts share it); undefined: host-only. */
  cookieDomain: string | undefined;
  cookiePath: string;
  cookieSameSite: 'strict' | 'lax' | 'none';
  /** Secure attribute; undefined: when the issuer is https. */
  cookieSecure: boolean | undefined;
  /** HttpOnly attribute of that cookie (default true: page scripts cannot read the token). */
  cookieHttpOnly: boolean;
  /** A cookie token in this last fraction of its life is renewed on use. */
  cookieRenewFraction: number;
  /** Extra request header that may carry an access token. */
  tokenHeader: string;
  /** Longest a client assertion may live (exp - iat), seconds. */
  maxAssertionLifetime: number;
  /** Leeway for exp and nbf when Gatehouse's own resources check tokens, seconds. */
  clockTolerance: number;
  /** Folder of server-command modules; undefined: no commands. */
  commandsDir: string | undefined;
  /** Where audit events are also written as JSON lines: `stdout`, a file path, or nowhere. */
  auditStream: string | undefined;
  /** Longest an issued-token audit event waits in memory before its batch is written, milliseconds. */
  auditFlushMs: number;
  /** Issued-token audit events kept in memory at most while the store does not take them; newer ones are dropped. */
  auditQueueLimit: number;
  /** Default time limit of a server command, milliseconds. */
  commandTimeoutMs: number;
  /** Most bytes of an http-request command's upstream response body (a command may set its own). */
  commandMaxResponseBytes: number;
  /** CIDR ranges of non-public addresses every http-request command may call (others are refused). */
  commandInternalNetworks: string[];
  /** Seconds between housekeeping runs (purging expired rows); 0 turns housekeeping off. */
  housekeepingInterval: number;
  /** Seconds audit events are kept before housekeeping deletes them; 0: forever. */
  auditRetention: number;
  /** Seconds a rotated refresh token is kept for reuse detection before housekeeping deletes it. */
  usedRefreshTokenRetention: number;
  /** Whether `GET /metrics` answers. */
  metrics: boolean;
  /** Bearer token `GET /metrics` requires; undefined: none. */
  metricsToken: string | undefined;
  /** Where `GET /metrics` is served instead of the main address (an address of its own); undefined: the main address. */
  metricsListen: ListenAddress | undefined;
  /** Redis for rate-limit counters shared by every instance; undefined: each instance counts alone. */
  redisUrl: string | undefined;
  /** Prefix of Gatehouse's keys in that Redis. */
  redisKeyPrefix: string;
  /** Worker processes `gatehouse serve` runs (node:cluster); 1 serves in the process itself. */
  workers: number;
  logLevel: LogLevel;
  /** Folder of custom security-check modules; undefined: only the built-in checks. */
  checksDir: string | undefined;
  /** Proxies (CIDR ranges) whose X-Forwarded-For is believed for the request's source address. */
  trustedProxies: string[];
  /** CIDR ranges the AllowedNetwork check accepts. */
  allowedNetworks: string[];
  /** Wrong PINs in a row that block the PinCode check. */
  pinMaxAttempts: number;
  /** Seconds a blocked PinCode check stays blocked. */
  pinBlockDuration: number;
  /** Seconds a correct PIN holds. */
  pinLifetime: number;
  /** Seconds a UserLogin success holds. */
  userLoginLifetime: number;
  /** Seconds a UserLogin success with rememberMe holds. */
  userLoginRememberMeLifetime: number;
  /** App-instance registrations (RFC 7591) per minute per source address. */
  registrationRateLimitPerAddress: number;
  /** App instances one initial access token may register; 0: no cap. */
  registrationsPerInitialAccessToken: number;
}

/** A TCP address to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}
