import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/shared/redact-url.js';

describe('redactUrl', () => {
  it('keeps URLs without a query as they are', () => {
    expect(redactUrl('/oauth/token')).toBe('/oauth/token');
  });

  it('redacts the values of secret-looking parameters and keeps the others', () => {
    expect(redactUrl('/oauth/token?client_id=a&client_secret=s3cret&scope=x')).toBe('/oauth/token?client_id=a&client_secret=[redacted]&scope=x');
    expect(redactUrl('/api/users?access_token=eyJ.x.y&search=bob')).toBe('/api/users?access_token=[redacted]&search=bob');
    expect(redactUrl('/x?Password=p&REFRESH_TOKEN=r&client_assertion=j&pin=1234')).toBe('/x?Password=[redacted]&REFRESH_TOKEN=[redacted]&client_assertion=[redacted]&pin=[redacted]');
  });

  it('judges encoded names by their decoded form, and survives malformed encodings', () => {
    expect(redactUrl('/x?client%5Fsecret=s&a=%E0%A4%A')).toBe('/x?client%5Fsecret=[redacted]&a=%E0%A4%A');
    expect(redactUrl('/x?%E0%A4%A=1&token')).toBe('/x?%E0%A4%A=1&token');
  });
});
