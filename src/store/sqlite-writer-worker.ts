/**
 * The worker side of SqliteWriterThread: its own connection to the embedded database, with the main
 * connection's settings, running batches of one statement (once per parameter list, in one
 * transaction) that the main thread posts, with the rows a RETURNING clause gives. Prepared statements are kept per SQL text.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { openSqliteConnection } from './sqlite-connection.js';
import type { WriterReply, WriterRequest } from './sqlite-writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');
const { file } = workerData as { file: string };

const db = openSqliteConnection(file);

const statements = new Map<string, SQLite.Statement>();
const runAll = db.transaction((statement: SQLite.Statement, parameterLists: unknown[][]) => {
  let changes = 0;
  const rows: unknown[] = [];
  for (const parameters of parameterLists) {
    if (statement.reader) {
      // A write with RETURNING: one row per changed row.
      const returned = statement.all(parameters);
      changes += returned.length;
      rows.push(...returned);
    } else {
      changes += statement.run(parameters).changes;
    }
  }
  return { changes, rows };
});

function statementFor(sql: string): SQLite.Statement {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: request.id, ...runAll(statementFor(request.sql), request.parameterLists) };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    reply = { id: request.id, error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } };
  }
  port.postMessage(reply);
});
