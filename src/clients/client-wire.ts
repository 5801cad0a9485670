import type { Client } from './client.js';
import { CLIENT_FIELDS, CLIENT_FIELD_LIST, type ClientChanges, type ClientInputMode, type ClientMetadata } from './client-fields.js';
import { ClientValidationError } from './client-validation-error.js';
import { isRecord } from '../shared/is-record.js';

/** The wire format of client metadata: a create or update body in, the JSON form out. */

const PARSED = CLIENT_FIELD_LIST.flatMap(([wire, { property, parse }]) => (property !== undefined && parse ? [{ wire, property, parse }] : []));
const SHOWN = CLIENT_FIELD_LIST.flatMap(([wire, { toJson }]) => (toJson ? [{ wire, toJson }] : []));

/** Checks a create (`mode: 'create'`) or update body field by field. */
export function parseClientChanges(body: unknown, mode: ClientInputMode): ClientChanges {
  if (!isRecord(body)) throw new ClientValidationError('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(CLIENT_FIELDS, key)) throw new ClientValidationError(key, 'unknown field');
  }
  // Each value comes from its field's parser, whose return type ClientChanges is derived from.
  const changes: Record<string, unknown> = {};
  for (const { wire, property, parse } of PARSED) {
    if (body[wire] !== undefined) changes[property] = parse(body[wire], wire, mode);
  }
  return changes;
}

/** A client in its JSON form. */
export function toClientMetadata(client: Client): ClientMetadata {
  const metadata: Record<string, unknown> = {};
  for (const { wire, toJson } of SHOWN) metadata[wire] = toJson(client);
  // Each value comes from its field's toJson, whose return type ClientMetadata is derived from.
  return metadata as ClientMetadata;
}
