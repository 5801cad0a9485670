import type { Client } from './client.js';
import { CLIENT_FIELDS, CLIENT_FIELD_LIST, type ClientChanges, type ClientInputMode, type ClientMetadata } from './client-fields.js';
import { checkClientFields, ClientValidationError } from './client-validation-error.js';
import { applyClientChanges } from './client-rules.js';
import { checkAccessTokenLifetime } from './client-values.js';
import { isRecord } from '../shared/is-record.js';

/** The wire format of client metadata: a create or update body in, the JSON form out. */

const PARSED = CLIENT_FIELD_LIST.flatMap(([wire, { property, parse }]) => (property !== undefined && parse ? [{ wire, property, parse }] : []));
const SHOWN = CLIENT_FIELD_LIST.flatMap(([wire, { toJson }]) => (toJson ? [{ wire, toJson }] : []));

/**
 * What a body is checked against besides its own values: the client it changes (or a new client's defaults),
 * for the rules between fields; the server's maximum access-token lifetime; and, for an update, the client's id.
 */
export interface ClientCheckContext {
  readonly current: Client;
  readonly maxAccessTokenLifetime: number;
  readonly clientId?: string | undefined;
}

/**
 * Checks a create (`mode: 'create'`) or update body, every field of it: throws one ClientValidationError, or an
 * InvalidClientFieldsError listing every bad field (unknown fields first, then in the order of CLIENT_FIELDS).
 * With a `context`, also the server's lifetime maximum and the rules between fields whose inputs are valid.
 */
export function parseClientChanges(body: unknown, mode: ClientInputMode, context?: ClientCheckContext): ClientChanges {
  if (!isRecord(body)) throw new ClientValidationError('body', 'must be a JSON object');
  const unknown = Object.keys(body).filter((key) => !Object.hasOwn(CLIENT_FIELDS, key));
  // Each value comes from its field's parser, whose return type ClientChanges is derived from.
  const changes: Record<string, unknown> = {};
  /** Wire names of the fields whose check failed. */
  const invalid = new Set<string>();
  const checks: Record<string, () => void> = {
    // One check (named so that no field name can clash with it) for every unknown field, each reported.
    '(unknown fields)': () => {
      if (unknown.length > 0) checkClientFields(Object.fromEntries(unknown.map((key) => [key, () => refuseUnknown(key)])));
    },
  };
  for (const { wire, property, parse } of PARSED) {
    if (body[wire] === undefined) continue;
    checks[wire] = () => {
      try {
        const value = parse(body[wire], wire, mode);
        if (context) checkInContext(wire, value, context);
        changes[property] = value;
      } catch (error) {
        invalid.add(wire);
        throw error;
      }
    };
  }
  if (context) checks['(rules between fields)'] = () => void applyClientChanges(context.current, changes, context.current.updatedAt, invalid);
  checkClientFields(checks);
  return changes;
}

function refuseUnknown(key: string): never {
  throw new ClientValidationError(key, 'unknown field');
}

/** The checks of one field's parsed value that need more than the value: the server's maximum lifetime, an update's client id. */
function checkInContext(wire: string, value: unknown, context: ClientCheckContext): void {
  if (wire === 'access_token_lifetime') checkAccessTokenLifetime(value as number, context.maxAccessTokenLifetime);
  if (wire === 'client_id' && context.clientId !== undefined && value !== context.clientId) throw new ClientValidationError('client_id', 'cannot be changed');
}

/** A client in its JSON form. */
export function toClientMetadata(client: Client): ClientMetadata {
  const metadata: Record<string, unknown> = {};
  for (const { wire, toJson } of SHOWN) metadata[wire] = toJson(client);
  // Each value comes from its field's toJson, whose return type ClientMetadata is derived from.
  return metadata as ClientMetadata;
}
