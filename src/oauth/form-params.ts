import { invalidRequest } from './oauth-error.js';

/** Parameters that RFC 8707 allows more than once. */
const REPEATABLE = new Set(['resource']);

/** Request parameters of an OAuth endpoint: each at most once (RFC 6749 §3.1), empty values as omitted. */
export class FormParams {
  private constructor(
    private readonly single: Map<string, string>,
    private readonly multi: Map<string, string[]>,
  ) {}

  /**
   * Reads a parsed `application/x-www-form-urlencoded` body. Refuses other content types and repeated
   * parameters with `invalid_request`.
   */
  static fromRequest(contentType: string | undefined, body: unknown): FormParams {
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw invalidRequest('the request body must be application/x-www-form-urlencoded');
    }
    return FormParams.fromRecord(body);
  }

  /** Reads parameters already parsed (a query string, or a form body), with the same rules. */
  static fromRecord(body: unknown): FormParams {
    const single = new Map<string, string>();
    const multi = new Map<string, string[]>();
    if (body === null || typeof body !== 'object') return new FormParams(single, multi);
    for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
      const values = (Array.isArray(raw) ? raw : [raw]).filter((value): value is string => typeof value === 'string' && value !== '');
      if (values.length === 0) continue;
      if (REPEATABLE.has(name)) {
        multi.set(name, values);
        continue;
      }
      if (values.length > 1 || (Array.isArray(raw) && raw.length > 1)) throw invalidRequest(`the parameter ${name} is repeated`);
      single.set(name, values[0] as string);
    }
    return new FormParams(single, multi);
  }

  get(name: string): string | undefined {
    return this.single.get(name);
  }

  require(name: string): string {
    const value = this.single.get(name);
    if (value === undefined) throw invalidRequest(`the parameter ${name} is missing`);
    return value;
  }

  all(name: string): string[] {
    return this.multi.get(name) ?? [];
  }
}
