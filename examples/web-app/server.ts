// A small relying party: signs people in through Gatehouse's hosted pages (authorization code flow with PKCE),
// shows the ID token's and the access token's claims, calls a protected server command with the access token,
// and signs out through Gatehouse (RP-initiated logout). Plain node:http, no framework.
//
//   GATEHOUSE_URL=http://127.0.0.1:8080 CLIENT_ID=web-app CLIENT_SECRET=... npx tsx examples/web-app/server.ts
//
// See README.md in this folder for the client and user to create first.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { button, escapeHtml, json, page } from './html.js';
import { RelyingParty, SignInRefused } from './relying-party.js';
import { SessionStore, type AppSession } from './sessions.js';

const env = process.env;
const gatehouseUrl = new URL(required('GATEHOUSE_URL'));
const clientId = required('CLIENT_ID');
const clientSecret = env.CLIENT_SECRET === undefined || env.CLIENT_SECRET === '' ? undefined : env.CLIENT_SECRET;
// openid is added to the default when Gatehouse is an OpenID provider (it serves /.well-known/openid-configuration).
const scope = env.SCOPE ?? 'demo offline_access';
const commandPath = env.COMMAND_PATH ?? '/api/apps/demo/commands/echo';
const host = env.HOST ?? '127.0.0.1';

const sessions = new SessionStore();
let appUrl = env.APP_URL ?? '';
let relyingParty: Promise<RelyingParty> | undefined;

/** Gatehouse's metadata is read at the first request that needs it (and again after a failure), so the app may start first. */
function gatehouse(): Promise<RelyingParty> {
  relyingParty ??= RelyingParty.discover({
    issuer: gatehouseUrl,
    clientId,
    clientSecret,
    redirectUri: `${appUrl}/callback`,
    postLogoutRedirectUri: `${appUrl}/signed-out`,
    scope,
    exactScope: env.SCOPE !== undefined,
  }).catch((error: unknown) => {
    relyingParty = undefined;
    throw error;
  });
  return relyingParty;
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) send(response, 500, page('Something went wrong', `<p>${escapeHtml(error instanceof Error ? error.message : String(error))}</p><p><a href="/">Back</a></p>`));
  });
});

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', appUrl);
  const session = sessions.of(request, response);
  const route = `${request.method ?? 'GET'} ${url.pathname}`;
  if (request.method === 'POST' && (await formOf(request)).get('csrf') !== session.csrf)
    return send(response, 403, page('Forbidden', '<p>The form could not be verified. <a href="/">Start again</a>.</p>'));

  switch (route) {
    case 'GET /':
      return send(response, 200, home(session));

    case 'GET /login': {
      const prompt = url.searchParams.get('prompt');
      const { url: authorizationUrl, pending } = await (await gatehouse()).startSignIn(prompt === 'none' || prompt === 'login' || prompt === 'consent' ? prompt : undefined);
      session.pending = pending;
      return redirect(response, authorizationUrl.href);
    }

    case 'GET /callback': {
      const pending = session.pending;
      session.pending = undefined;
      if (pending === undefined) {
        session.notice = 'This sign-in was not started here (or was finished already).';
        return redirect(response, '/');
      }
      try {
        session.signedIn = await (await gatehouse()).finishSignIn(url, pending);
        session.commandResult = undefined;
      } catch (error) {
        if (!(error instanceof SignInRefused)) throw error;
        session.notice = `Gatehouse did not sign you in: ${error.message}`;
      }
      return redirect(response, '/');
    }

    case 'POST /call': {
      if (session.signedIn === undefined) return redirect(response, '/');
      const result = await (await gatehouse()).callCommand(commandPath, session.signedIn.accessToken, { message: 'hello from the web app' });
      session.commandResult = JSON.stringify({ status: result.status, body: result.body }, null, 2);
      return redirect(response, '/');
    }

    case 'POST /refresh': {
      if (session.signedIn === undefined) return redirect(response, '/');
      session.signedIn = await (await gatehouse()).refresh(session.signedIn);
      session.notice = 'Tokens refreshed.';
      return redirect(response, '/');
    }

    case 'POST /logout': {
      // The app forgets the person at once; Gatehouse asks them to confirm, then ends its own session.
      const idToken = session.signedIn?.idToken;
      session.signedIn = undefined;
      session.commandResult = undefined;
      session.signOutState = randomBytes(16).toString('base64url');
      return redirect(response, (await gatehouse()).signOutUrl(session.signOutState, idToken).href);
    }

    case 'GET /signed-out': {
      const expected = session.signOutState;
      session.signOutState = undefined;
      session.notice = expected !== undefined && url.searchParams.get('state') === expected ? 'You are signed out of Gatehouse.' : 'Signed out here (Gatehouse did not confirm this sign-out).';
      return redirect(response, '/');
    }

    default:
      return send(response, 404, page('Not found', '<p><a href="/">Home</a></p>'));
  }
}

function home(session: AppSession): string {
  const notice = session.notice === undefined ? '' : `<p class="notice" role="status">${escapeHtml(session.notice)}</p>\n`;
  session.notice = undefined;
  const signedIn = session.signedIn;
  if (signedIn === undefined) {
    return page(
      'Web app example',
      `${notice}<p>You are not signed in.</p>
<p><a class="button" href="/login">Sign in with Gatehouse</a></p>
<p><a href="/login?prompt=none">Sign in silently</a> (prompt=none: only if Gatehouse already knows you)</p>`,
    );
  }
  const who = [signedIn.accessTokenClaims.username, signedIn.idTokenClaims?.sub, signedIn.accessTokenClaims.sub].find((value): value is string => typeof value === 'string') ?? 'someone';
  const idToken = signedIn.idTokenClaims === undefined ? '<p>No ID token (the app asked for no openid scope, or Gatehouse is not an OpenID provider).</p>' : json(signedIn.idTokenClaims);
  const command = session.commandResult === undefined ? '' : `<h2>Answer of ${escapeHtml(commandPath)}</h2>\n<pre data-testid="command-result">${escapeHtml(session.commandResult)}</pre>\n`;
  return page(
    'Web app example',
    `${notice}<p>Signed in as <strong data-testid="signed-in-as">${escapeHtml(who)}</strong> (scope: ${escapeHtml(signedIn.scope ?? '')}).</p>
<p>${button('/call', 'Call the protected command', session.csrf)}${signedIn.refreshToken === undefined ? '' : button('/refresh', 'Refresh tokens', session.csrf)}${button('/logout', 'Sign out', session.csrf)}</p>
${command}<h2>ID token claims</h2>
<div data-testid="id-token-claims">${idToken}</div>
<h2>Access token claims</h2>
<div data-testid="access-token-claims">${json(signedIn.accessTokenClaims)}</div>`,
  );
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // form-action covers the redirect to Gatehouse that answers the sign-out form.
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${gatehouseUrl.origin}; frame-ancestors 'none'; base-uri 'none'`,
  });
  response.end(html);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, 'cache-control': 'no-store' });
  response.end();
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

function required(name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    console.error(`set ${name} (see examples/web-app/README.md)`);
    process.exit(1);
  }
  return value;
}

server.listen(Number(env.PORT ?? 3000), host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (appUrl === '') appUrl = `http://${host}:${port}`;
  console.log(JSON.stringify({ msg: 'web app listening', url: appUrl, port, redirect_uri: `${appUrl}/callback`, post_logout_redirect_uri: `${appUrl}/signed-out` }));
});
