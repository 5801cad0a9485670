export type Store = 'sqlite' | 'postgres';
export type Mode = 'scenarios' | 'peer' | 'memory' | 'workers';

export interface BenchOptions {
  mode: Mode;
  stores: Store[];
  /** Seconds per measured run. */
  duration: number;
  runs: number;
  connections: number;
  /** Only scenarios whose name contains one of these texts (`--only a,b`); empty: all. */
  only: string[];
  /** --memory: client_credentials tokens to issue in all. */
  tokens: number;
}

function positive(name: string, value: number, integer = true): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}`);
  return value;
}

/**
 * `npm run bench -- [--peer | --memory | --workers] [--store sqlite|postgres|both] [--duration 10] [--runs 3]
 * [--connections 50] [--quick] [--only text[,text...]] [--tokens 1000000]`.
 */
export function parseArgs(argv: string[]): BenchOptions {
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const modes = (['peer', 'memory', 'workers'] as const).filter((mode) => argv.includes(`--${mode}`));
  if (modes.length > 1) throw new Error(`choose one of --${modes.join(', --')}`);
  const quick = argv.includes('--quick');
  const store = value('store') ?? 'sqlite';
  if (!['sqlite', 'postgres', 'both'].includes(store)) throw new Error('--store must be sqlite, postgres or both');
  return {
    mode: modes[0] ?? 'scenarios',
    stores: store === 'both' ? ['sqlite', 'postgres'] : [store as Store],
    duration: positive('duration', Number(value('duration') ?? (quick ? 3 : 10)), false),
    runs: positive('runs', Number(value('runs') ?? (quick ? 1 : 3))),
    connections: positive('connections', Number(value('connections') ?? 50)),
    only: (value('only') ?? '').split(',').filter(Boolean),
    tokens: positive('tokens', Number(value('tokens') ?? (quick ? 100_000 : 1_000_000))),
  };
}

/** Whether `--only` selects a scenario of this name. */
export function selected(options: BenchOptions, name: string): boolean {
  return options.only.length === 0 || options.only.some((text) => name.includes(text));
}

/** The options line under every result table's title. */
export function describe(options: BenchOptions): string {
  return `autocannon on the same machine, ${options.connections} connections, ${options.duration} s per run, median of ${options.runs} run(s)`;
}
