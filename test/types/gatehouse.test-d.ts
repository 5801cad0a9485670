// Type tests of the `gatehouse` entry point (src/index.ts): what a program that embeds Gatehouse or writes
// server commands and security checks relies on. Run by `npm run typecheck` (vitest --typecheck.only).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { describe, expectTypeOf, it } from 'vitest';
import type * as gatehouse from '../../src/index.js';
import {
  buildServer,
  challenge,
  CommandError,
  createLogger,
  defineApplication,
  defineCommand,
  defineSecurityCheck,
  failure,
  loadConfig,
  openGatehouse,
  success,
  type ApplicationDefinition,
  type CheckClient,
  type CheckContext,
  type CheckOutcome,
  type CheckRequest,
  type CheckState,
  type CommandCaller,
  type CommandContext,
  type CommandDefinition,
  type CommandHttp,
  type CommandHttpResponse,
  type Gatehouse,
  type GatehouseConfig,
  type JsonSchema,
  type SecurityCheck,
  type SecurityCheckDefinition,
  type SigningAlg,
} from '../../src/index.js';

describe('gatehouse: exported values', () => {
  it('exports every documented function and class', () => {
    expectTypeOf<
      'openGatehouse' | 'buildServer' | 'loadConfig' | 'createLogger' | 'defineApplication' | 'defineCommand' | 'CommandError' | 'defineSecurityCheck' | 'success' | 'challenge' | 'failure'
    >().toExtend<keyof typeof gatehouse>();
  });
});

describe('gatehouse: embedding the server', () => {
  it('loadConfig takes optional env, config file and overrides, and returns the config', () => {
    expectTypeOf(loadConfig).returns.toEqualTypeOf<GatehouseConfig>();
    expectTypeOf(loadConfig).toBeCallableWith();
    expectTypeOf(loadConfig).toBeCallableWith({ env: { PORT: '3000' }, configFile: 'gatehouse.json', overrides: { port: 0, issuer: 'https://auth.example.com' } });
  });

  it('GatehouseConfig keeps the settings a program reads', () => {
    type Read = 'port' | 'host' | 'issuer' | 'dataDir' | 'databaseUrl' | 'adminToken' | 'signingAlg' | 'maxTokenLifetime' | 'resources' | 'cookieSameSite' | 'workers' | 'logLevel' | 'trustedProxies';
    expectTypeOf<Pick<GatehouseConfig, Read>>().toEqualTypeOf<{
      port: number;
      host: string;
      issuer: string;
      dataDir: string;
      databaseUrl: string | undefined;
      adminToken: string | undefined;
      signingAlg: SigningAlg;
      maxTokenLifetime: number;
      resources: string[];
      cookieSameSite: 'strict' | 'lax' | 'none';
      workers: number;
      logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
      trustedProxies: string[];
    }>();
  });

  it('SigningAlg is the four algorithms Gatehouse signs with', () => {
    expectTypeOf<SigningAlg>().toEqualTypeOf<'ES256' | 'EdDSA' | 'RS256' | 'PS256'>();
  });

  it('createLogger takes a log level and an optional pino destination, and returns a pino logger', () => {
    expectTypeOf(createLogger).toBeCallableWith('info');
    expectTypeOf(createLogger).parameter(0).toEqualTypeOf<GatehouseConfig['logLevel']>();
    expectTypeOf(createLogger).returns.toEqualTypeOf<Logger>();
    // @ts-expect-error: not a log level
    createLogger('verbose');
  });

  it('openGatehouse opens the services from a config and a logger; buildServer makes a fastify instance of them', () => {
    const config = loadConfig();
    const logger = createLogger('info');
    expectTypeOf(openGatehouse).toBeCallableWith(config, logger);
    expectTypeOf(openGatehouse).toBeCallableWith(config, logger, { watchChanges: true });
    expectTypeOf(openGatehouse).returns.toEqualTypeOf<Promise<Gatehouse>>();
    expectTypeOf(buildServer).parameters.toEqualTypeOf<[Gatehouse]>();
    expectTypeOf(buildServer).returns.toEqualTypeOf<Promise<FastifyInstance>>();
  });

  it('Gatehouse carries its config and logger and closes', () => {
    expectTypeOf<Gatehouse['config']>().toEqualTypeOf<GatehouseConfig>();
    expectTypeOf<Gatehouse['logger']>().toExtend<Logger>();
    expectTypeOf<Gatehouse['close']>().toEqualTypeOf<() => Promise<void>>();
  });
});

describe('gatehouse: server commands', () => {
  it('defineCommand keeps the input and output types of its handler', () => {
    const command = defineCommand<{ orderId: string }, { total: number }>({
      app: 'orders',
      name: 'total',
      scope: 'orders.read',
      protected: true,
      input: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
      timeoutMs: 5_000,
      description: 'Total of an order',
      handler: async (context) => {
        expectTypeOf(context).toEqualTypeOf<CommandContext<{ orderId: string }>>();
        expectTypeOf(context.input).toEqualTypeOf<{ orderId: string }>();
        expectTypeOf(context.caller).toEqualTypeOf<CommandCaller | undefined>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(context.logger.info).toBeFunction();
        expectTypeOf(context.logger.warn).toBeFunction();
        expectTypeOf(context.logger.error).toBeFunction();
        expectTypeOf(context.http).toEqualTypeOf<CommandHttp>();
        expectTypeOf(context.http.request).parameter(0).toEqualTypeOf<string | URL>();
        expectTypeOf(context.http.request).returns.toEqualTypeOf<Promise<CommandHttpResponse>>();
        expectTypeOf<CommandHttpResponse['json']>().returns.toBeUnknown();
        return { total: context.input.orderId.length };
      },
    });
    expectTypeOf(command).toEqualTypeOf<CommandDefinition<{ orderId: string }, { total: number }>>();
    expectTypeOf(command.handler).returns.toEqualTypeOf<{ total: number } | Promise<{ total: number }>>();
  });

  it('defineCommand infers the input from an annotated handler, and defaults to unknown', () => {
    const inferred = defineCommand({ app: 'a', name: 'b', handler: (context: CommandContext<{ n: number }>) => context.input.n * 2 });
    expectTypeOf(inferred).toEqualTypeOf<CommandDefinition<{ n: number }, number>>();
    const plain = defineCommand({ app: 'a', name: 'c', handler: ({ input }) => input });
    expectTypeOf(plain).toEqualTypeOf<CommandDefinition<unknown, unknown>>();
    // @ts-expect-error: a command needs a handler
    defineCommand({ app: 'a', name: 'd' });
    // @ts-expect-error: the handler returns the declared output type
    defineCommand<unknown, string>({ app: 'a', name: 'e', handler: () => 1 });
  });

  it('CommandCaller, JsonSchema and ApplicationDefinition', () => {
    expectTypeOf<CommandCaller>().toEqualTypeOf<{ clientId: string; sub: string; scope: string[]; roles: string[] }>();
    expectTypeOf<JsonSchema>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<ApplicationDefinition>().toEqualTypeOf<{ name: string; scope?: string; protected?: boolean; roles?: string[]; description?: string }>();
    expectTypeOf(defineApplication).parameters.toEqualTypeOf<[ApplicationDefinition]>();
    expectTypeOf(defineApplication).returns.toEqualTypeOf<ApplicationDefinition>();
  });

  it('CommandError carries an HTTP status and a code', () => {
    expectTypeOf(CommandError).toBeConstructibleWith(409, 'conflict', 'the order is closed');
    expectTypeOf(CommandError).constructorParameters.toEqualTypeOf<[status: number, code: string, message: string]>();
    expectTypeOf<CommandError>().toExtend<Error>();
    expectTypeOf<CommandError['status']>().toEqualTypeOf<number>();
    expectTypeOf<CommandError['code']>().toEqualTypeOf<string>();
  });
});

describe('gatehouse: security checks', () => {
  it('defineSecurityCheck types the answer of its context and returns a SecurityCheck of it', () => {
    const check = defineSecurityCheck<{ pin: string }>({
      name: 'Pin',
      successLifetime: 300,
      everyRequest: false,
      evaluate: (context) => {
        expectTypeOf(context).toEqualTypeOf<CheckContext<{ pin: string }>>();
        expectTypeOf(context.answer).toEqualTypeOf<{ pin: string } | undefined>();
        expectTypeOf(context.client).toEqualTypeOf<CheckClient>();
        expectTypeOf(context.request).toEqualTypeOf<CheckRequest>();
        expectTypeOf(context.state).toEqualTypeOf<CheckState>();
        expectTypeOf(context.now).toEqualTypeOf<number>();
        if (context.answer === undefined) return challenge({ digits: 4 });
        return context.answer.pin === '1234' ? success() : failure('wrong pin', { blockedUntil: new Date() });
      },
    });
    expectTypeOf(check).toEqualTypeOf<SecurityCheck<{ pin: string }>>();
    expectTypeOf(check).toExtend<Readonly<SecurityCheckDefinition<{ pin: string }>>>();
    expectTypeOf(check.evaluate).returns.toEqualTypeOf<CheckOutcome | Promise<CheckOutcome>>();
    expectTypeOf(defineSecurityCheck({ name: 'Any', successLifetime: 1, evaluate: async () => success({ lifetime: 60 }) })).toEqualTypeOf<SecurityCheck<unknown>>();
    // @ts-expect-error: a check needs successLifetime
    defineSecurityCheck({ name: 'NoLifetime', evaluate: () => success() });
  });

  it('success, challenge and failure build outcomes', () => {
    expectTypeOf(success).toBeCallableWith();
    expectTypeOf(success).toBeCallableWith({ lifetime: 3600 });
    expectTypeOf(challenge).toBeCallableWith();
    expectTypeOf(challenge).toBeCallableWith({ prompt: 'PIN' });
    expectTypeOf(failure).toBeCallableWith('wrong');
    expectTypeOf(failure).toBeCallableWith('wrong', { blockedUntil: 1_700_000_000_000 });
    expectTypeOf(failure).toBeCallableWith('wrong', { blockedUntil: new Date() });
    // A check reports its count of wrong answers as part of its outcome (the gate stores it).
    expectTypeOf(failure).toBeCallableWith('wrong', { failedAttempts: 3 });
    expectTypeOf(challenge).toBeCallableWith({ prompt: 'PIN' }, { failedAttempts: 1 });
    expectTypeOf(success).returns.toEqualTypeOf<CheckOutcome>();
    expectTypeOf(challenge).returns.toEqualTypeOf<CheckOutcome>();
    expectTypeOf(failure).returns.toEqualTypeOf<CheckOutcome>();
  });

  it('CheckOutcome is a union by kind', () => {
    expectTypeOf<CheckOutcome['kind']>().toEqualTypeOf<'success' | 'challenge' | 'failure'>();
    expectTypeOf<Extract<CheckOutcome, { kind: 'success' }>>().toEqualTypeOf<{ kind: 'success'; lifetime?: number }>();
    expectTypeOf<Extract<CheckOutcome, { kind: 'challenge' }>>().toMatchObjectType<{ kind: 'challenge'; challenge: Record<string, unknown> }>();
    expectTypeOf<Extract<CheckOutcome, { kind: 'failure' }>>().toEqualTypeOf<{ kind: 'failure'; reason: string; blockedUntil?: number; failedAttempts?: number }>();
  });

  it('what a check learns: client, request and state', () => {
    expectTypeOf<CheckClient>().toEqualTypeOf<{ clientId: string; clientName: string; scopes: readonly string[]; profile: string | null }>();
    expectTypeOf<CheckRequest>().toEqualTypeOf<{
      sourceAddress: string;
      grantType: string;
      clientAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
      keyProven: boolean;
      requestedScope: readonly string[];
      headers: Readonly<Record<string, string | string[] | undefined>>;
    }>();
    expectTypeOf<CheckState>().toExtend<{ passedUntil: number | null; failedAttempts: number; blockedUntil: number | null }>();
  });
});
