import SQLite from 'better-sqlite3';

/**
 * Opens a connection to the embedded database with the settings every connection to it uses (the main one
 * and the writer thread's): WAL with synchronous=FULL, so that an acknowledged commit survives kill -9 and
 * power loss; a 5 s busy timeout; foreign keys enforced.
 */
export function openSqliteConnection(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}
