import { describe, expect, it } from 'vitest';
import { asTyped, checkClientForm, checkUserForm } from '../../console/src/form-checks.js';
import { checkBrandingForm, checkProfileForm, checkTokenDeliveryForm } from '../../console/src/settings-checks.js';
import { toErrorDescription } from '../../src/shared/error-description.js';

const client = {
  client_name: 'Web app',
  client_id: '',
  creating: true,
  grant_types: ['client_credentials'],
  access_token_lifetime: '7200',
  refresh_tokens: false,
  refresh_token_lifetime: '2592000',
  allowed_origins: [],
  redirect_uris: [],
  post_logout_redirect_uris: [],
};

describe("the console's form checks (issue 21)", () => {
  it('accepts a valid client and a valid user', () => {
    expect(checkClientForm(client)).toEqual({});
    expect(checkUserForm({ username: 'alice', password: 'long-enough', email: 'a@example.com', roles: ['staff'] })).toEqual({});
  });

  it('reports every invalid client field at once, values as typed', () => {
    const errors = checkClientForm({
      ...client,
      client_name: ' ',
      client_id: 'has space',
      grant_types: ['authorization_code'],
      access_token_lifetime: '12.5',
      refresh_tokens: true,
      refresh_token_lifetime: '10',
      allowed_origins: ['https://café.example/path'],
      post_logout_redirect_uris: ['http://example.com/bye'],
    });
    expect(Object.keys(errors).sort()).toEqual(['access_token_lifetime', 'allowed_origins', 'client_id', 'client_name', 'post_logout_redirect_uris', 'redirect_uris', 'refresh_token_lifetime']);
    expect(errors.allowed_origins).toBe("'https://café.example/path' is not an origin (scheme://host[:port], no path)");
    expect(errors.client_name).toBe('must be a non-empty string of at most 200 characters');
    expect(errors.client_id).toBe('must be 1 to 255 printable ASCII characters without spaces');
    expect(errors.access_token_lifetime).toBe("must be an integer from 0 to 99999999 (seconds; 0: the server's maximum)");
    expect(errors.refresh_token_lifetime).toBe('must be an integer from 60 to 31536000 (seconds)');
    expect(errors.redirect_uris).toBe('the authorization_code grant needs at least one redirect URI');
    expect(errors.post_logout_redirect_uris).toMatch(/^'http:\/\/example\.com\/bye' uses http: only a loopback address/);
    expect(checkClientForm({ ...client, access_token_lifetime: '90000', max_access_token_lifetime: 86_400 }).access_token_lifetime).toBe(
      "must be at most 86400, the server's maximum token lifetime (seconds; 0: the server's maximum)",
    );
    expect(checkClientForm({ ...client, access_token_lifetime: '86400', max_access_token_lifetime: 86_400 })).toEqual({});
    expect(checkClientForm({ ...client, grant_types: [] }).grant_types).toBe('must be a non-empty list of client_credentials, password, authorization_code');
  });

  it("reports every invalid user field at once with the server's own rules", () => {
    const errors = checkUserForm({ username: ' x ', password: 'short', email: 'nope', roles: ['has space'] });
    expect(Object.keys(errors).sort()).toEqual(['email', 'password', 'roles', 'username']);
    expect(errors.password).toMatch(/^must be a string of 8 to/);
    expect(checkUserForm({ username: 'x', password: undefined, email: '', roles: [] })).toEqual({});
  });

  it("reports every invalid profile, branding and token delivery field at once with the server's own parse functions", () => {
    const profile = checkProfileForm({
      max_token_expiration: 0,
      scope_element_mapping: { payments: ['PinCode', 'bad/check'] },
      mandatory_scope: ['bad"scope'],
      default_scope: null,
      registration_enabled: false,
      registration_checks: ['x/y'],
    });
    expect(profile).toEqual({
      max_token_expiration: 'must be an integer from 1 to 99999999 (seconds)',
      scope_element_mapping: "payments: 'bad/check' is not a check name",
      mandatory_scope: `'bad"scope' is not a valid scope element (RFC 6749 §3.3)`,
      registration_checks: "'x/y' is not a check name",
    });
    expect(checkProfileForm({ max_token_expiration: 600, scope_element_mapping: { payments: ['NoSuchCheck'] }, default_scope: 'a b' })).toEqual({});

    const branding = { product_name: 'Example', logo_url: null, primary_colour: '#112233', background_colour: '#ffffff' };
    expect(checkBrandingForm(branding)).toEqual({});
    expect(checkBrandingForm({ ...branding, product_name: ' ', logo_url: 'http://example.com/logo.png', primary_colour: 'blue' })).toEqual({
      product_name: 'must be 1 to 100 characters without control characters',
      logo_url: 'must be null or an https URL (at most 2048 characters, no user or password)',
      primary_colour: 'must be a colour #rrggbb',
    });

    const delivery = { cookie_name: 'gh_token', cookie_domain: null, cookie_path: '/', cookie_same_site: 'lax', cookie_secure: null, cookie_http_only: true, header_name: 'X-Token' } as const;
    expect(checkTokenDeliveryForm(delivery)).toEqual({});
    expect(checkTokenDeliveryForm({ ...delivery, cookie_name: 'bad name', cookie_path: 'no-slash', header_name: 'Authorization' })).toEqual({
      cookie_name: "must be a cookie name of 1 to 64 letters, digits or !#$%&'*+-.^_`|~ (got 'bad name')",
      cookie_path: "must be a path starting with / without spaces, semicolons or control characters (got 'no-slash')",
      header_name: "must not be one of authorization, cookie, origin, host, content-type, content-length (got 'Authorization')",
    });
  });

  it('puts values back as typed into a server message whose description is ASCII only', () => {
    const typed = 'https://café.example/"x"';
    const sent = `allowed_origins: '${toErrorDescription(typed)}' is not an origin`;
    expect(sent).not.toContain('é');
    expect(asTyped(sent, ['other', typed])).toBe(`allowed_origins: '${typed}' is not an origin`);
    expect(asTyped('plain message', ['plain'])).toBe('plain message');
  });
});
