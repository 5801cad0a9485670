/**
 * An answer passed to the caller as it is: the status, the headers and the body's bytes of what another system
 * answered (a relaying http-request command returns one; commands-api.ts sends it without turning it into JSON).
 */
export class RelayedAnswer {
  constructor(
    readonly status: number,
    /** Lower-case names; only those the command may relay. */
    readonly headers: Readonly<Record<string, string>>,
    readonly body: Buffer,
  ) {}
}
