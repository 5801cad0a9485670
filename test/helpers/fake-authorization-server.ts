import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A request the fake server saw. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: Headers;
  form: URLSearchParams | undefined;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  scope: string;
}

export interface FakeAuthorizationServerOptions {
  issuer?: string;
  /** Extra (or replaced) metadata fields. */
  metadata?: Record<string, unknown>;
  /** Access token lifetime (default 300 s). */
  expiresIn?: number;
}

/**
 * An authorization server just big enough for the SDK's code flow tests, written from the RFCs and not from
 * Gatehouse's code: metadata, JWKS, authorization (`authorize(url)` plays the person who signs in), token
 * endpoint (code with PKCE S256, rotating refresh tokens), revocation and userinfo. `fetch` answers in
 * memory; `listen()` serves the same over HTTP on 127.0.0.1.
 */
export class FakeAuthorizationServer {
  issuer: string;
  readonly requests: FakeRequest[] = [];
  /** Replaces the next token endpoint answer (then cleared). */
  nextTokenAnswer: { status: number; body: unknown } | undefined;
  /** Claims merged into the next ID tokens (e.g. another `aud` or `nonce`, for the refusal tests). */
  idTokenOverrides: Record<string, unknown> = {};
  expiresIn: number;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, { clientId: string; scope: string; sub: string }>();
  readonly revoked: string[] = [];
  private readonly extraMetadata: Record<string, unknown>;
  private signingKey: CryptoKey | undefined;
  private publicJwk: JWK | undefined;
  private server: Server | undefined;
  /** A token endpoint answer waits for this (to hold concurrent refreshes in flight). */
  tokenGate: Promise<void> | undefined;
  /** The server's clock (ms), for the ID tokens' iat and exp. */
  now: () => number = () => Date.now();

  constructor(options: FakeAuthorizationServerOptions = {}) {
    this.issuer = options.issuer ?? 'https://as.example';
    this.extraMetadata = options.metadata ?? {};
    this.expiresIn = options.expiresIn ?? 300;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.text() : undefined;
    const url = new URL(request.url);
    const form = body !== undefined && (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body) : undefined;
    this.requests.push({ method: request.method, url, headers: request.headers, form });
    return this.answer(request.method, url, request.headers, form);
  };

  /** The requests to a path, e.g. `/oauth/token`. */
  to(path: string): FakeRequest[] {
    return this.requests.filter((request) => request.url.pathname === path);
  }

  metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/oauth/authorize`,
      token_endpoint: `${this.issuer}/oauth/token`,
      revocation_endpoint: `${this.issuer}/oauth/revoke`,
      userinfo_endpoint: `${this.issuer}/oauth/userinfo`,
      end_session_endpoint: `${this.issuer}/oauth/logout`,
      jwks_uri: `${this.issuer}/oauth/jwks`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      ...this.extraMetadata,
    };
  }

  /**
   * Plays the browser at the authorization endpoint: the person signs in as `sub`, and the server redirects
   * back. Returns the callback URL (code, state, iss).
   */
  authorize(authorizationUrl: string, sub = 'ada'): string {
    const params = new URL(authorizationUrl).searchParams;
    const code = randomUUID();
    this.codes.set(code, {
      clientId: params.get('client_id') ?? '',
      redirectUri: params.get('redirect_uri') ?? '',
      codeChallenge: params.get('code_challenge') ?? '',
      nonce: params.get('nonce') ?? undefined,
      scope: `${params.get('scope') ?? ''}|${sub}`,
    });
    const callback = new URL(params.get('redirect_uri') ?? '');
    callback.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) callback.searchParams.set('state', state);
    callback.searchParams.set('iss', this.issuer);
    return callback.toString();
  }

  async idToken(claims: Record<string, unknown>): Promise<string> {
    const key = await this.key();
    const now = Math.floor(this.now() / 1000);
    return new SignJWT({ iat: now, exp: now + 300, iss: this.issuer, ...claims, ...this.idTokenOverrides }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  }

  /** Serves the same endpoints over HTTP (the issuer becomes http://127.0.0.1:<port>). */
  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', this.issuer);
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
        const body = Buffer.concat(chunks).toString('utf8');
        void this.fetch(url, { method: request.method ?? 'GET', headers, ...(request.method === 'POST' ? { body } : {}) }).then(async (answer) => {
          response.writeHead(answer.status, Object.fromEntries(answer.headers));
          response.end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.issuer;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async key(): Promise<CryptoKey> {
    if (!this.signingKey) {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      this.signingKey = privateKey;
      this.publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    }
    return this.signingKey;
  }

  private async answer(method: string, url: URL, headers: Headers, form: URLSearchParams | undefined): Promise<Response> {
    const json = (status: number, body: unknown, extra: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...extra } });
    switch (`${method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
      case 'GET /.well-known/openid-configuration':
        return json(200, this.metadata());
      case 'GET /oauth/jwks':
        await this.key();
        return json(200, { keys: [this.publicJwk] });
      case 'POST /oauth/token':
        await this.tokenGate;
        return this.token(form ?? new URLSearchParams(), json);
      case 'POST /oauth/revoke':
        this.revoked.push(form?.get('token') ?? '');
        this.refreshTokens.delete(form?.get('token') ?? '');
        return new Response(null, { status: 200 });
      case 'GET /oauth/userinfo': {
        const token = (headers.get('authorization') ?? '').replace(/^Bearer /, '');
        if (!token.startsWith('at-')) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
        return json(200, { sub: token.split(':')[1], name: 'Ada Lovelace' });
      }
      default:
        return json(404, { error: 'not_found' });
    }
  }

  private async token(form: URLSearchParams, json: (status: number, body: unknown) => Response): Promise<Response> {
    if (this.nextTokenAnswer) {
      const { status, body } = this.nextTokenAnswer;
      this.nextTokenAnswer = undefined;
      return json(status, body);
    }
    const clientId = form.get('client_id') ?? '';
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!code || code.clientId !== clientId || code.redirectUri !== form.get('redirect_uri')) return json(400, { error: 'invalid_grant', error_description: 'unknown code' });
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== code.codeChallenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      const [scope = '', sub = ''] = code.scope.split('|');
      return json(200, await this.issue(clientId, scope, sub, code.nonce));
    }
    if (form.get('grant_type') === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(presented);
      this.refreshTokens.delete(presented); // rotation: each refresh token works once
      if (!grant || grant.clientId !== clientId) return json(400, { error: 'invalid_grant', error_description: 'refresh token refused' });
      return json(200, await this.issue(clientId, grant.scope, grant.sub, undefined));
    }
    return json(400, { error: 'unsupported_grant_type' });
  }

  private async issue(clientId: string, scope: string, sub: string, nonce: string | undefined): Promise<Record<string, unknown>> {
    const refreshToken = `rt-${randomUUID()}`;
    this.refreshTokens.set(refreshToken, { clientId, scope, sub });
    const openid = scope.split(' ').includes('openid');
    return {
      access_token: `at-${randomUUID()}:${sub}`,
      token_type: 'Bearer',
      expires_in: this.expiresIn,
      scope,
      refresh_token: refreshToken,
      ...(openid ? { id_token: await this.idToken({ sub, aud: clientId, ...(nonce !== undefined ? { nonce } : {}) }) } : {}),
    };
  }
}
