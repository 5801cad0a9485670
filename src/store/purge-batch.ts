/** Rows a purge deletes per statement: short statements keep locks brief and the write-ahead log small. */
export const PURGE_BATCH_SIZE = 1000;
