import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChallengeRoundsExceededError,
  GatehouseClient,
  MissingChallengeHandlerError,
  SecurityCheckFailedError,
  type ChallengeContext,
  type GatehouseClientOptions,
} from '../../src/client-sdk/index.js';
import { basicAuth } from '../helpers/test-server.js';

/**
 * PROTOCOL FAKE — not Gatehouse. A small node:http server that speaks exactly the challenge contract of
 * Gatehouse's token endpoint, so the SDK's handlers are tested before the server side exists:
 * - pending checks: 400 {"error":"challenge_required","error_description","challenges":{"PinCode":{...}}}
 * - the client answers with the form parameter challenge_response = {"PinCode": answer, ...}
 * - a failed check: 400 {"error":"access_denied","error_description","check","blocked_until"?}
 * Scope elements map to stages of checks: every check of a stage must pass before the next is asked.
 */
const STAGES: Record<string, string[][]> = {
  pin: [['PinCode']],
  login: [['UserLogin'], ['PinCode']],
  both: [['PinCode', 'Otp']],
  geo: [['Location']],
  captcha: [['Captcha']],
};
const CLIENT = { id: 'app-1', secret: 'app-1-secret-value' };

class ChallengeProtocolFake {
  server: Server = createServer((request, response) => void this.handle(request, response));
  url = '';
  passed = new Set<string>();
  pinAttemptsLeft = 3;
  /** The challenge_response of each token request, parsed. */
  answersSeen: (Record<string, unknown> | undefined)[] = [];
  tokensIssued = 0;
  tokenScopes = new Map<string, string>();

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.passed.clear();
    this.pinAttemptsLeft = 3;
    this.answersSeen = [];
    this.tokensIssued = 0;
    this.tokenScopes.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method === 'GET' && request.url === '/.well-known/oauth-authorization-server') {
      send(200, { issuer: this.url, token_endpoint: `${this.url}/token` });
      return;
    }
    if (request.method === 'GET' && request.url === '/resource') {
      // A resource that needs the scope "pin" (RFC 6750 answers).
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const scope = token === undefined ? undefined : this.tokenScopes.get(token);
      if (scope === undefined) return void response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      if (!scope.split(' ').includes('pin'))
        return void response.writeHead(403, { 'www-authenticate': 'Bearer realm="fake", error="insufficient_scope", error_description="needs \\"pin\\"", scope="pin"' }).end();
      return void send(200, { secret: 'behind a PIN' });
    }
    if (request.method !== 'POST' || request.url !== '/token') return void send(404, { error: 'not_found' });
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const form = new URLSearchParams(raw);
    if (request.headers.authorization !== basicAuth(CLIENT.id, CLIENT.secret)) return void send(401, { error: 'invalid_client', error_description: 'wrong secret' });
    const answerText = form.get('challenge_response');
    const answers = answerText === null ? undefined : (JSON.parse(answerText) as Record<string, unknown>);
    this.answersSeen.push(answers);
    const scope = form.get('scope') ?? '';

    for (const element of scope.split(' ').filter(Boolean)) {
      for (const stage of STAGES[element] ?? []) {
        const challenges: Record<string, unknown> = {};
        for (const check of stage) {
          if (this.passed.has(check)) continue;
          const answer = answers?.[check];
          if (answer !== undefined) {
            const outcome = this.evaluate(check, answer);
            if (outcome === 'passed') continue;
            if (outcome === 'blocked') {
              const blockedUntil = new Date(Date.UTC(2030, 0, 1, 12, 0, 0)).toISOString();
              return void send(400, { error: 'access_denied', error_description: 'too many wrong PINs', check, blocked_until: blockedUntil });
            }
            if (outcome === 'denied') return void send(400, { error: 'access_denied', error_description: `${check} refused`, check });
          }
          challenges[check] = this.challengeOf(check);
        }
        if (Object.keys(challenges).length > 0) return void send(400, { error: 'challenge_required', error_description: 'answer the challenges', challenges });
      }
    }
    this.tokensIssued++;
    this.tokenScopes.set(`token-${this.tokensIssued}`, scope);
    send(200, { access_token: `token-${this.tokensIssued}`, token_type: 'Bearer', expires_in: 300, scope });
  }

  private challengeOf(check: string): unknown {
    if (check === 'PinCode') return { remainingAttempts: this.pinAttemptsLeft };
    if (check === 'Otp') return { digits: 6 };
    if (check === 'UserLogin') return { rememberMe: true };
    return {};
  }

  private evaluate(check: string, answer: unknown): 'passed' | 'retry' | 'blocked' | 'denied' {
    switch (check) {
      case 'PinCode':
        if (answer === '1234') return this.pass(check);
        this.pinAttemptsLeft--;
        return this.pinAttemptsLeft === 0 ? 'blocked' : 'retry';
      case 'Otp':
        return answer === '000000' ? this.pass(check) : 'retry';
      case 'UserLogin': {
        const login = answer as { username?: string; password?: string };
        return login.username === 'ada' && login.password === 'pw' ? this.pass(check) : 'denied';
      }
      default:
        return 'retry'; // Captcha: never satisfied
    }
  }

  private pass(check: string): 'passed' {
    this.passed.add(check);
    return 'passed';
  }
}

describe('client SDK challenge handlers against a protocol fake of the challenge flow', () => {
  const fake = new ChallengeProtocolFake();
  beforeAll(() => fake.start());
  beforeEach(() => fake.reset());
  afterAll(() => new Promise((resolve) => fake.server.close(resolve)));

  const clientFor = (options: Partial<GatehouseClientOptions> = {}) => new GatehouseClient({ issuer: fake.url, credentials: { clientId: CLIENT.id, clientSecret: CLIENT.secret }, ...options });

  it('calls the handler with the challenge object and repeats the request with the answer', async () => {
    const client = clientFor();
    const seen: [unknown, ChallengeContext][] = [];
    client.registerChallengeHandler<{ remainingAttempts: number }, string>('PinCode', async (challenge, context) => {
      seen.push([challenge, context]);
      return '1234';
    });
    expect(await client.getToken('pin')).toBe('token-1');
    expect(seen).toEqual([[{ remainingAttempts: 3 }, { check: 'PinCode', scope: 'pin', round: 1 }]]);
    expect(fake.answersSeen).toEqual([undefined, { PinCode: '1234' }]);
    // Cached: the handler is not asked again.
    expect(await client.getToken('pin')).toBe('token-1');
    expect(seen).toHaveLength(1);
  });

  it('runs several rounds: a wrong PIN, the challenge with fewer attempts, the right PIN', async () => {
    const client = clientFor();
    const pins = ['0000', '1234'];
    const challenges: unknown[] = [];
    client.registerChallengeHandler('PinCode', (challenge) => {
      challenges.push(challenge);
      return pins.shift();
    });
    expect(await client.getToken('pin')).toBe('token-1');
    expect(challenges).toEqual([{ remainingAttempts: 3 }, { remainingAttempts: 2 }]);
    expect(fake.answersSeen).toEqual([undefined, { PinCode: '0000' }, { PinCode: '1234' }]);
  });

  it('answers checks that come one after the other, and several checks of one answer at once', async () => {
    const client = clientFor();
    const rounds: string[] = [];
    client.registerChallengeHandler('UserLogin', (_challenge, context) => {
      rounds.push(`UserLogin@${context.round}`);
      return { username: 'ada', password: 'pw' };
    });
    client.registerChallengeHandler('PinCode', (_challenge, context) => {
      rounds.push(`PinCode@${context.round}`);
      return '1234';
    });
    client.registerChallengeHandler('Otp', () => '000000');
    expect(await client.getToken('login')).toBe('token-1');
    expect(rounds).toEqual(['UserLogin@1', 'PinCode@2']);
    expect(fake.answersSeen).toEqual([undefined, { UserLogin: { username: 'ada', password: 'pw' } }, { PinCode: '1234' }]);

    fake.reset();
    expect(await client.getToken('both')).toBe('token-1');
    expect(fake.answersSeen).toEqual([undefined, { PinCode: '1234', Otp: '000000' }]);
  });

  it('fails with an error naming a check that has no handler', async () => {
    const client = clientFor();
    const error = await client.getToken('geo').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingChallengeHandlerError);
    expect(error).toMatchObject({ check: 'Location', challenge: {}, error: 'challenge_required', status: 400 });
    expect((error as Error).message).toContain('Location');
    expect(fake.tokensIssued).toBe(0);

    // A handler removed is missing again.
    const remove = client.registerChallengeHandler('Location', () => ({ lat: 1 }));
    remove();
    await expect(client.getToken('geo')).rejects.toMatchObject({ check: 'Location' });
  });

  it('fails with the check and the block time when a check answers access_denied', async () => {
    const client = clientFor();
    client.registerChallengeHandler('PinCode', () => '9999');
    const error = await client.getToken('pin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    const failure = error as SecurityCheckFailedError;
    expect(failure).toMatchObject({ error: 'access_denied', errorDescription: 'too many wrong PINs', check: 'PinCode', status: 400 });
    expect(failure.blockedUntil?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(fake.answersSeen).toHaveLength(4); // the request, then three wrong PINs

    fake.reset();
    client.registerChallengeHandler('UserLogin', () => ({ username: 'ada', password: 'wrong' }));
    const denied = await client.getToken('login').catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(SecurityCheckFailedError);
    expect(denied).toMatchObject({ check: 'UserLogin', blockedUntil: undefined });
  });

  it('gives up after the configured number of answered rounds', async () => {
    const client = clientFor({ maxChallengeRounds: 3 });
    let calls = 0;
    client.registerChallengeHandler('Captcha', () => ++calls);
    const error = await client.getToken('captcha').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChallengeRoundsExceededError);
    expect(error).toMatchObject({ checks: ['Captcha'], rounds: 3 });
    expect(calls).toBe(3);
    expect(fake.answersSeen).toHaveLength(4);
  });

  it('runs the handlers once for concurrent requests of the same scope', async () => {
    const client = clientFor();
    let asked = 0;
    client.registerChallengeHandler('PinCode', async () => {
      asked++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return '1234';
    });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => client.getToken('pin')));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(asked).toBe(1);
  });

  it('request() answers a 403 insufficient_scope by obtaining the named scope through the challenge handlers', async () => {
    const client = clientFor({ scope: 'plain' });
    const challenges: unknown[] = [];
    client.registerChallengeHandler('PinCode', (challenge) => {
      challenges.push(challenge);
      return '1234';
    });
    const response = await client.request(`${fake.url}/resource`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ secret: 'behind a PIN' });
    expect(challenges).toEqual([{ remainingAttempts: 3 }]);
    expect(fake.answersSeen).toEqual([undefined, undefined, { PinCode: '1234' }]); // "plain", then "pin" twice

    // Without a handler the upgrade fails naming the check.
    const unprepared = clientFor({ scope: 'plain' });
    fake.reset();
    await expect(unprepared.request(`${fake.url}/resource`)).rejects.toMatchObject({ name: 'MissingChallengeHandlerError', check: 'PinCode' });
  });

  it("passes a handler's own error through (e.g. the user cancelled the prompt)", async () => {
    const client = clientFor();
    client.registerChallengeHandler('PinCode', () => {
      throw new Error('cancelled by the user');
    });
    await expect(client.getToken('pin')).rejects.toThrow('cancelled by the user');
    // Nothing is cached: the next call asks again.
    client.registerChallengeHandler('PinCode', () => '1234');
    expect(await client.getToken('pin')).toBe('token-1');
  });
});
