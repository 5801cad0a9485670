import { connect } from 'node:net';
import fc from 'fast-check';
import { expect } from 'vitest';

/** One request a fuzzer sends: method, path, headers and raw body bytes. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface FuzzAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

export async function send(baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined || request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/**
 * What every answer to bad input must be: not a 5xx, and, when a refusal, the RFC error form
 * `{"error": "...", "error_description": "..."}` as JSON.
 */
export function expectRfcAnswer(request: FuzzRequest, answer: FuzzAnswer): void {
  const where = `${request.method} ${request.path} (${request.headers['content-type'] ?? 'no content type'}) -> ${answer.status} ${answer.text.slice(0, 200)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status < 400 || request.method === 'HEAD') return;
  expect(answer.contentType ?? '', where).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: unknown; error_description?: unknown };
  expect(typeof body.error, where).toBe('string');
  expect(typeof body.error_description, where).toBe('string');
}

/** Parameter and field names of Gatehouse's endpoints and admin API, so fuzzed input reaches the logic. */
export const FIELD_NAMES = [
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'username',
  'password',
  'refresh_token',
  'token',
  'token_type_hint',
  'assertion',
  'client_assertion',
  'client_assertion_type',
  'request',
  'resource',
  'audience',
  'client_name',
  'grant_types',
  'token_endpoint_auth_method',
  'jwks',
  'key',
  'alg',
  'kid',
  'enabled',
  'access_token_lifetime',
  'refresh_tokens',
  'refresh_token_lifetime',
  'may_act_for_users',
  'expires_at',
  'allowed_origins',
  'display_name',
  'email',
  'roles',
  'cookie_name',
  'cookie_domain',
  'cookie_same_site',
  'header_name',
  'grace_period',
  'search',
  'limit',
  'offset',
  'sub',
  'input',
  'challenge_response',
  '__proto__',
  'constructor',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '%00',
    '%',
    '%zz',
    '\uFFFD',
    '\uD800',
    ' ',
    '+',
    'client_credentials',
    'password',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'users',
    'offline_access',
    'eyJhbGciOiJub25lIn0.e30.',
    '1e309',
    '-0',
    'NaN',
    '123456789012345678901234567890',
    '9007199254740993',
    'true',
    'null',
    '[]',
    '{}',
    '../../etc/passwd',
    "' OR 1=1 --",
  ),
);

const jsonLeaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 99_999_999, 100_000_000, 1e300));

/** JSON values shaped like the admin API's bodies, with hostile leaves. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 8 }),
})).value;

const encoder = new TextEncoder();

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates become U+FFFD), as a browser would. */
function percentEncode(value: string): string {
  return Array.from(encoder.encode(value), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** A path segment, percent-encoded: any code points (NUL included), the constants of `text`, and odd encodings. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), text).map(percentEncode),
  fc.constantFrom('%00', 'a%00', '%ED%A0%80', '%C0%80', '%FF', '%', '%2e%2e', '%2F'),
);

/** Bodies: forms with known and unknown parameters (repeated, NULs, odd encodings), JSON, raw bytes, and extremes. */
export const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ unit: 'binary', maxLength: 10 })), text), { maxLength: 10 })
    .map((pairs) => encoder.encode(pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&'))),
  fc
    .array(fc.constantFrom('grant_type=client_credentials', 'scope=users', 'scope=a', '&', '=', '==', 'a', '%', '%ZZ', '+', 'token=%00'), { maxLength: 12 })
    .map((parts) => encoder.encode(parts.join('&'))),
  jsonValue.map((value) => encoder.encode(JSON.stringify(value) ?? 'null')),
  fc.uint8Array({ maxLength: 512 }),
  fc.constantFrom(
    encoder.encode(`${'['.repeat(50_000)}${']'.repeat(50_000)}`),
    encoder.encode(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`),
    encoder.encode('{"access_token_lifetime": 1e999, "client_name": "x"}'),
    encoder.encode('{"client_name": "x", "client_name": "y"}'),
    encoder.encode('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'),
    new Uint8Array(1024 * 1024 + 1).fill(0x61),
    new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe]),
    encoder.encode('grant_type=client_credentials&grant_type=client_credentials'),
    encoder.encode('a=1&'.repeat(5_000)),
  ),
);

export const contentType = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded; charset=utf-16',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/jwt',
    'application/x-www-form-urlencoded, application/json',
    '',
  ),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 30 }),
);

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });

/** Authorization headers: the genuine ones given, and broken Basic and Bearer forms. */
export function authorization(genuine: string[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...genuine),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
    printable.map((value) => `Basic ${value}`),
    printable.map((value) => `Bearer ${value}`),
    printable,
    fc.constantFrom('Basic', 'Bearer', 'Basic Og==', 'Basic OmE=', 'Basic YTo=', 'Bearer  x', 'bearer x', 'DPoP x'),
  );
}

/** A request with a fuzzed body, content type and Authorization, to one of `paths`. */
export function requests(paths: fc.Arbitrary<{ method: string; path: string }>, genuineAuthorization: string[]): fc.Arbitrary<FuzzRequest> {
  return fc.record({ target: paths, body, contentType, auth: authorization(genuineAuthorization) }).map(({ target, body: bytes, contentType: type, auth }) => ({
    method: target.method,
    path: target.path,
    headers: { ...(type === '' ? {} : { 'content-type': type }), ...(auth === undefined ? {} : { authorization: auth }) },
    body: bytes,
  }));
}

/** Sends raw bytes as a request line and headers over TCP; answers the status the server wrote, or 0 if none. */
export function sendRaw(port: number, raw: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server did not answer malformed input within 10 s'));
    }, 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(match ? Number(match[1]) : 0);
    });
    socket.end(raw);
  });
}
