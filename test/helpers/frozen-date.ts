import { vi } from 'vitest';

/**
 * Freezes `Date` (only Date: timers, sockets and the database run on) at the start of the next whole
 * second, for the test and for a server started in this process alike. Token times are whole seconds
 * (`iat` is the current second, `exp = iat + lifetime`), so a token issued now lives exactly its lifetime
 * on this clock, however long the machine takes between two requests. Undo with `vi.useRealTimers()`.
 */
export function freezeDate(): { advance(ms: number): void } {
  const now = (Math.floor(Date.now() / 1000) + 1) * 1000;
  vi.useFakeTimers({ toFake: ['Date'], now });
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}
