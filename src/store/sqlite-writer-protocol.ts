/** Messages between SqliteWriterThread (main thread) and sqlite-writer-worker. */
export type WriterRequest = { kind: 'batch'; id: number; sql: string; parameterLists: unknown[][] } | { kind: 'close' };

export type WriterReply = { id: number; changes: number } | { id: number; error: { message: string; code: string | undefined } };
