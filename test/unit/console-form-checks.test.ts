import { describe, expect, it } from 'vitest';
import { asTyped, checkClientForm, checkUserForm } from '../../console/src/form-checks.js';
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
    expect(errors.client_id).toContain("'has space' is not");
    expect(errors.redirect_uris).toBe('the authorization code grant needs at least one redirect URI');
    expect(checkClientForm({ ...client, access_token_lifetime: '90000', max_access_token_lifetime: 86_400 }).access_token_lifetime).toContain('from 0 to 86,400');
  });

  it("reports every invalid user field at once with the server's own rules", () => {
    const errors = checkUserForm({ username: ' x ', password: 'short', email: 'nope', roles: ['has space'] });
    expect(Object.keys(errors).sort()).toEqual(['email', 'password', 'roles', 'username']);
    expect(errors.password).toMatch(/^must be a string of 8 to/);
    expect(checkUserForm({ username: 'x', password: undefined, email: '', roles: [] })).toEqual({});
  });

  it('puts values back as typed into a server message whose description is ASCII only', () => {
    const typed = 'https://café.example/"x"';
    const sent = `allowed_origins: '${toErrorDescription(typed)}' is not an origin`;
    expect(sent).not.toContain('é');
    expect(asTyped(sent, ['other', typed])).toBe(`allowed_origins: '${typed}' is not an origin`);
    expect(asTyped('plain message', ['plain'])).toBe('plain message');
  });
});
