import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * open: forwards to the target. refuse: drops every connection as it arrives. blackhole: accepts
 * connections and never answers (a link that went silent, the hardest case for timeouts).
 */
export type ProxyMode = 'open' | 'refuse' | 'blackhole';

/** A TCP proxy the test controls, between Gatehouse and PostgreSQL. */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Map<Socket, Socket>();
  mode: ProxyMode = 'open';
  /** Connections accepted since start (forwarded or not). */
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /**
   * Silences every open connection without closing it (no FIN, no RST: what a dead link or a frozen
   * server looks like) and accepts new connections without answering.
   */
  freeze(): void {
    this.mode = 'blackhole';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      // Read and drop whatever arrives, so nothing is delivered late.
      client.on('data', () => undefined);
      upstream.on('data', () => undefined);
    }
    this.pairs.clear();
  }

  /** Destroys every open connection (both sides) and treats new ones as `mode` says. */
  cut(mode: Exclude<ProxyMode, 'open'>): void {
    this.mode = mode;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
  }

  restore(): void {
    this.mode = 'open';
  }

  async close(): Promise<void> {
    this.cut('refuse');
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    client.on('error', () => undefined);
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    this.pairs.set(client, upstream);
    client.on('close', () => {
      this.pairs.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
