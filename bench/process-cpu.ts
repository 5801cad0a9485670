import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ, the same on every architecture Node runs on). */
const MICROSECONDS_PER_TICK = 10_000;

/** CPU time (user + system) a process has used so far, all its threads together, in microseconds (Linux /proc). */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MICROSECONDS_PER_TICK;
}

/** The load generator's own CPU time so far (this process: autocannon runs in it), in microseconds. */
export function loadGeneratorCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
