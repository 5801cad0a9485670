import type { Logger } from 'pino';
import { AdminToken } from './admin-api/admin-token.js';
import { ChangeFeed } from './changes/change-feed.js';
import type { PgChangeListener } from './changes/pg-change-listener.js';
import { watchChanges } from './changes/watch-changes.js';
import { ClientDirectory } from './clients/client-directory.js';
import { ClientRegistry } from './clients/client-registry.js';
import type { GatehouseConfig } from './config/config.js';
import { KeyEncryption } from './keys/key-encryption.js';
import { deriveKeys, loadMasterSecret } from './keys/master-secret.js';
import { SecretDigester } from './keys/secret-digest.js';
import { SigningThread } from './keys/signing-thread.js';
import { SigningKeys } from './keys/signing-keys.js';
import { RevocationList } from './oauth/revocation-list.js';
import { checkDeploymentIdentity } from './keys/deployment-identity.js';
import { ChangeEventsRepository } from './store/change-events-repository.js';
import { ClientsRepository } from './store/clients-repository.js';
import { ConfigError } from './config/config-schema.js';
import { connectStore, type StoreConnection } from './store/database.js';
import { StoreUnavailableError } from './shared/store-errors.js';
import { migrateToLatest } from './store/migrate.js';
import { RevocationsRepository } from './store/revocations-repository.js';
import { SettingsRepository } from './store/settings-repository.js';
import { StoreAvailability } from './store/store-availability.js';
import { SigningKeysRepository } from './store/signing-keys-repository.js';
import { RefreshTokensRepository } from './store/refresh-tokens-repository.js';
import { UsersRepository } from './store/users-repository.js';
import { Housekeeping } from './housekeeping/housekeeping.js';
import { purgeTasks } from './store/purge-tasks.js';
import { RefreshTokens } from './oauth/refresh-tokens.js';
import { PasswordHasher } from './users/password-hasher.js';
import { PasswordSignIn } from './users/password-sign-in.js';
import { UserRegistry } from './users/user-registry.js';
import { UserStatusCache } from './users/user-status-cache.js';
import { TokenDeliverySettings } from './protected-apis/token-delivery.js';
import { CheckRegistry } from './security/check-registry.js';
import { builtInChecks } from './security/checks/built-in-checks.js';
import { ProfileDirectory } from './security/profile-directory.js';
import { ProfileRegistry } from './security/profile-registry.js';
import { CheckStatesRepository } from './store/check-states-repository.js';
import { ProfilesRepository } from './store/profiles-repository.js';
import { StoredCommandsRepository } from './store/stored-commands-repository.js';
import { InitialAccessTokens } from './security/initial-access-tokens.js';
import { InitialAccessTokensRepository } from './store/initial-access-tokens-repository.js';
import { AdminAccounts } from './admin-accounts/admin-accounts.js';
import { AdminSessions } from './admin-accounts/admin-sessions.js';
import { AdminsRepository } from './store/admins-repository.js';
import { AuditLog } from './audit/audit-log.js';
import { AUDIT_BATCH_SIZE, SQLITE_AUDIT_BATCH_SIZE } from './audit/audit-writer.js';
import { openAuditStream } from './audit/audit-stream.js';
import { AuditEventsRepository } from './store/audit-events-repository.js';
import { AdminSessionsRepository } from './store/admin-sessions-repository.js';
import { AttemptCountersRepository } from './store/attempt-counters-repository.js';
import { AttemptLimiter } from './users/attempt-limiter.js';
import { ConsoleSignIn } from './admin-accounts/console-sign-in.js';
import type { SignInStores } from './sign-in/sign-in-stores.js';
import { signInStores } from './store/sign-in-stores-repository.js';
import { CurrentBranding } from './sign-in-pages/current-branding.js';

/** Change events older than this have been read by every running instance. */
const CHANGE_EVENT_RETENTION_MS = 60 * 60_000;

/** Everything a server or a CLI command works with, wired once. */
export interface Gatehouse {
  config: GatehouseConfig;
  logger: Logger;
  store: StoreConnection;
  digester: SecretDigester;
  clients: ClientRegistry;
  directory: ClientDirectory;
  users: UserRegistry;
  usersRepository: UsersRepository;
  userStatus: UserStatusCache;
  passwordSignIn: PasswordSignIn;
  refreshTokens: RefreshTokens;
  keys: SigningKeys;
  revocations: RevocationList;
  adminToken: AdminToken;
  /** Administrator accounts and sessions of the web console. */
  admins: AdminAccounts;
  adminSessions: AdminSessions;
  /** Console sign-in, throttled per address and username. */
  consoleSignIn: ConsoleSignIn;
  /** Counts every password check on arrival, shared by every instance (the store's table; Redis once connected). */
  attempts: AttemptLimiter;
  /** Administrative changes, issued tokens and refused token requests. */
  audit: AuditLog;
  tokenDelivery: TokenDeliverySettings;
  /** Small named values shared by every instance (the hosted pages' branding, ...); a change reaches the others as a `setting` change. */
  settings: SettingsRepository;
  changes: ChangeFeed;
  /** Built-in and custom security checks. */
  checks: CheckRegistry;
  /** Security profiles: changes (admin API, CLI) and the in-memory copy the token endpoint reads. */
  profiles: ProfileRegistry;
  profileDirectory: ProfileDirectory;
  /** Declarative commands authored through the admin API (the server's command registry follows them). */
  storedCommands: StoredCommandsRepository;
  checkStates: CheckStatesRepository;
  /** Initial access tokens for app-instance registration (RFC 7591). */
  initialAccessTokens: InitialAccessTokens;
  /** Browser sign-in: interactions, authorization codes, browser sessions, consents, pushed requests. */
  signInStores: SignInStores;
  /** What the hosted sign-in pages look like (the `branding` setting). */
  branding: CurrentBranding;
  /** Whether the database answers, as last seen; logs outages once. */
  availability: StoreAvailability;
  /** PostgreSQL servers: the connection that LISTENs for changes (undefined on SQLite and in CLI commands). */
  changeListener: PgChangeListener | undefined;
  housekeeping: Housekeeping;
  /** A generated admin token to print once, when this start created it. */
  generatedAdminToken: string | undefined;
  close(): Promise<void>;
}

export interface OpenGatehouseOptions {
  /** Start the change feed and housekeeping timers (servers do, one-shot CLI commands do not). */
  watchChanges?: boolean;
}

/**
 * Opens the configured store; a database that cannot be opened or reached stops start-up with one line
 * naming the setting to fix (DATABASE_URL, or GATEHOUSE_DATA_DIR for the embedded database).
 */
export async function openConfiguredStore(config: GatehouseConfig): Promise<StoreConnection> {
  try {
    return await connectStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, connectTimeoutMs: Math.max(config.dbTimeoutMs, 5_000) });
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new ConfigError(config.databaseUrl ? 'DATABASE_URL' : 'GATEHOUSE_DATA_DIR', error.message);
    throw error;
  }
}

/** The master secret from GATEHOUSE_SECRET or the data folder; an unusable folder names GATEHOUSE_DATA_DIR. */
function masterSecretOf(config: GatehouseConfig): ReturnType<typeof loadMasterSecret> {
  try {
    return loadMasterSecret(config.masterSecret, config.dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError('GATEHOUSE_DATA_DIR', `cannot read or create the master secret in ${config.dataDir} (${code})`);
  }
}

export async function openGatehouse(config: GatehouseConfig, logger: Logger, options: OpenGatehouseOptions = {}): Promise<Gatehouse> {
  const store = await openConfiguredStore(config);
  let changeListener: PgChangeListener | undefined;
  try {
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ migrations: applied, store: store.location }, 'applied migrations');

    const master = masterSecretOf(config);
    if (master.generated) logger.warn({ dataDir: config.dataDir }, 'generated a master secret in the data folder; back it up, or set GATEHOUSE_SECRET');
    // Before anything is written with this secret or signed under this issuer: the other instances on this database must agree.
    await checkDeploymentIdentity(new SettingsRepository(store.db), { issuer: config.issuer, masterSecret: master.secret, checkIssuer: options.watchChanges === true });
    const derived = deriveKeys(master.secret);
    const digester = new SecretDigester(derived.secretDigestKey);
    // Started with the first token; never holds a request up when it is gone (the thread pool signs instead).
    const signingThread = new SigningThread();

    const changeEvents = new ChangeEventsRepository(store.db);
    const availability = new StoreAvailability(logger);
    const changes = new ChangeFeed(changeEvents, logger, availability);
    const directory = new ClientDirectory(new ClientsRepository(store.db));
    const revocationsRepository = new RevocationsRepository(store.db);
    const revocations = new RevocationList(revocationsRepository);
    const keys = new SigningKeys(
      new SigningKeysRepository(store.db, store.engine),
      new KeyEncryption(derived.keyEncryptionKey),
      () => config.maxTokenLifetime,
      signingThread,
      () => config.idTokenLifetime,
    );
    const adminToken = new AdminToken(digester, new SettingsRepository(store.db), config.adminToken);
    const tokenDelivery = new TokenDeliverySettings(config, new SettingsRepository(store.db));
    const clients = new ClientRegistry(
      new ClientsRepository(store.db),
      digester,
      () => config.secretRotationGrace,
      () => changes.pollNow(),
      () => config.maxTokenLifetime,
    );

    const hasher = new PasswordHasher();
    const usersRepository = new UsersRepository(store.db);
    const userStatus = new UserStatusCache(usersRepository);
    const attempts = new AttemptLimiter(new AttemptCountersRepository(store.db, store.batchWriter));
    const passwordSignIn = new PasswordSignIn(
      usersRepository,
      hasher,
      () => ({ threshold: config.lockoutThreshold, windowSeconds: config.lockoutWindow, lockSeconds: config.lockoutDuration }),
      attempts,
      () => ({ perAddress: config.passwordRateLimitPerAddress, perClient: config.passwordRateLimitPerClient }),
    );
    const users = new UserRegistry(
      usersRepository,
      hasher,
      () => changes.pollNow(),
      (username) => passwordSignIn.forgetAttempts(username),
      // Declared below; called only once the Gatehouse is open.
      (now) => refreshTokens.revokedGrantEnd(now),
    );
    const admins = new AdminAccounts(new AdminsRepository(store.db), hasher);
    const consoleSignIn = new ConsoleSignIn(admins, attempts, () => ({ perAddress: config.adminSignInLimitPerAddress, perUsername: config.adminSignInLimitPerUsername }));
    const adminSessions = new AdminSessions(new AdminSessionsRepository(store.db), digester, () => ({
      idleSeconds: config.adminSessionIdle,
      maxSeconds: config.adminSessionMax,
    }));
    const auditStream = openAuditStream(config.auditStream, logger, { serving: options.watchChanges === true });
    const audit = new AuditLog(new AuditEventsRepository(store.db, store.engine, store.batchWriter), logger, {
      stream: auditStream ? (line) => auditStream.write(line) : undefined,
      buffer: {
        flushIntervalMs: config.auditFlushMs,
        queueLimit: config.auditQueueLimit,
        // A batch's transaction holds SQLite's write lock: smaller batches keep the main connection's writes from waiting long.
        batchSize: store.engine === 'sqlite' ? SQLITE_AUDIT_BATCH_SIZE : AUDIT_BATCH_SIZE,
      },
    });
    const refreshTokensRepository = new RefreshTokensRepository(store.db);
    const refreshTokens = new RefreshTokens(refreshTokensRepository, digester, revocations, () => config.maxTokenLifetime);

    const checkStates = new CheckStatesRepository(store.db);
    const checks = new CheckRegistry(builtInChecks(config, { passwordSignIn, digester, directory }));
    if (config.checksDir) {
      const custom = await checks.loadFolder(config.checksDir);
      if (custom.length > 0) logger.info({ checks: custom }, 'security checks loaded');
    }
    const profilesRepository = new ProfilesRepository(store.db);
    const profileDirectory = new ProfileDirectory(profilesRepository);
    const initialAccessTokens = new InitialAccessTokens(new InitialAccessTokensRepository(store.db), profilesRepository, digester);
    const profiles = new ProfileRegistry(
      profilesRepository,
      () => [...checks.names()].sort(),
      () => changes.pollNow(),
    );

    await changes.markCurrent();
    await keys.ensureSigningKey(config.signingAlg, config.keyActivationDelay);
    await keys.ensureIdTokenKey(config.signingAlg, config.keyActivationDelay);
    await directory.loadAll();
    // Saving a lifetime above the maximum is refused; clients saved before the operator lowered it keep their value, capped at issue time.
    const aboveMaximum = directory.aboveLifetime(config.maxTokenLifetime);
    if (aboveMaximum.length > 0) {
      logger.warn(
        { clients: aboveMaximum.slice(0, 20), count: aboveMaximum.length, maxTokenLifetime: config.maxTokenLifetime },
        "clients have an access-token lifetime above the server's maximum; their tokens are capped at the maximum",
      );
    }
    await revocations.loadAll();
    await profileDirectory.loadAll();
    const generatedAdminToken = await adminToken.init();
    await tokenDelivery.load();
    const branding = new CurrentBranding(new SettingsRepository(store.db));
    await branding.load();
    if (await admins.ensureInitial(config.adminPassword)) logger.info('created the console administrator "admin" from GATEHOUSE_ADMIN_PASSWORD');

    changes.on('client', (clientId) => directory.refresh(clientId));
    changes.on('revocation', (jti) => revocations.refresh(jti));
    changes.on('grant_revocation', (familyId) => revocations.refreshGrant(familyId));
    changes.on('user', (userId) => userStatus.forget(userId));
    changes.on('signing_key', () => keys.load());
    changes.on('profile', (name) => profileDirectory.refresh(name));
    changes.on('setting', async () => {
      await Promise.all([adminToken.refresh(), tokenDelivery.load(), branding.load()]);
    });
    changes.onResync(async () => {
      userStatus.clear();
      await Promise.all([directory.loadAll(), revocations.loadAll(), keys.load(), adminToken.refresh(), tokenDelivery.load(), profileDirectory.loadAll(), branding.load()]);
    });

    const housekeeping = new Housekeeping(
      store,
      purgeTasks({
        changeEventsMs: CHANGE_EVENT_RETENTION_MS,
        usedRefreshTokensMs: config.usedRefreshTokenRetention * 1000,
        adminSessionIdleMs: config.adminSessionIdle * 1000,
        auditEventsMs: config.auditRetention * 1000,
      }),
      logger,
      { intervalMs: config.housekeepingInterval * 1000, onRun: (now) => revocations.prune(now) },
    );
    if (options.watchChanges) {
      changeListener = await watchChanges({ store, config, changes, logger, availability });
      // Start-up (migrations, lock waits) ran unbounded; requests give up after the configured timeout.
      store.setRequestTimeout(config.dbTimeoutMs);
      housekeeping.start();
    }

    return {
      signInStores: signInStores(store.db),
      branding,
      config,
      logger,
      store,
      digester,
      clients,
      directory,
      users,
      usersRepository,
      userStatus,
      passwordSignIn,
      refreshTokens,
      keys,
      revocations,
      adminToken,
      admins,
      adminSessions,
      consoleSignIn,
      attempts,
      audit,
      tokenDelivery,
      settings: new SettingsRepository(store.db),
      changes,
      checks,
      profiles,
      profileDirectory,
      storedCommands: new StoredCommandsRepository(store.db),
      checkStates,
      initialAccessTokens,
      availability,
      changeListener,
      housekeeping,
      generatedAdminToken,
      async close() {
        changes.stop();
        await housekeeping.stop();
        await changeListener?.close();
        // Issued-token events still queued go to the store before it closes.
        await audit.close();
        await auditStream?.close();
        await store.close();
        await signingThread.close();
      },
    };
  } catch (error) {
    await changeListener?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
