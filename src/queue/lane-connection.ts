import { DatabaseError } from 'pg';
import type { Pool, PoolClient, QueryConfig } from 'pg';

interface Held {
  client: Promise<PoolClient>;
  onError: (err: Error) => void;
}

/**
 * One connection from a pg pool, held while a run of statements lasts and given back after it
 * (StatementLane's idle callback). Through the pool itself, each statement of a release waited for
 * a connection until the jobs woken by the previous statement had built their network requests
 * (pg-pool hands out idle connections on the next tick): 2.4–2.9 ms per statement, against
 * statements of about 13 ms; 0.7 ms on a held connection (bench/publish, measured in the worker).
 */
export class LaneConnection {
  private held: Held | null = null;

  constructor(private readonly pool: () => Pool) {}

  async query<T>(config: QueryConfig): Promise<T[]> {
    const held = this.held ?? this.hold();
    const client = await held.client;
    try {
      return (await client.query(config)).rows as T[];
    } catch (err) {
      // A statement's own error leaves the connection usable; anything else (the connection broke,
      // or the server ended the session: severity FATAL) destroys it, and the next statement takes another.
      if (!(err instanceof DatabaseError && err.severity === 'ERROR')) this.letGo(held, err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
  }

  /** Gives the connection back to the pool (nothing happens if none is held). */
  giveBack(): void {
    if (this.held) this.letGo(this.held);
  }

  private hold(): Held {
    const held: Held = {
      client: this.pool().connect(),
      // A held connection is not watched by the pool: without a listener its error would end the process.
      onError: (err) => this.letGo(held, err),
    };
    this.held = held;
    held.client.then(
      (client) => client.on('error', held.onError),
      () => {
        if (this.held === held) this.held = null;
      },
    );
    return held;
  }

  /** Releases `held` once, however many statements saw it fail; with `broken`, the pool destroys it. */
  private letGo(held: Held, broken?: Error): void {
    if (this.held !== held) return;
    this.held = null;
    void held.client.then(
      (client) => {
        client.off('error', held.onError);
        client.release(broken);
      },
      () => undefined,
    );
  }
}
