/** Messages between SqliteWriterThread (main thread) and sqlite-writer-worker. */
export type WriterRequest = { kind: 'batch'; id: number; sql: string; parameterLists: unknown[][] } | { kind: 'close' };

/** `rows`: what a statement that returns rows (RETURNING) gave, for every parameter list in turn. */
export type WriterReply = { id: number; changes: number; rows: unknown[] } | { id: number; error: { message: string; code: string | undefined } };
