import { DatabaseError } from 'pg';
import type { Pool, PoolClient, QueryConfig } from 'pg';

interface Held {
  client: Promise<PoolClient>;
  onError: (err: Error) => void;
}

/**
 * How long an idle lane keeps its connection before giving it back. Taking one costs two round
 * trips besides the wait for the pool (setting lock_timeout, and putting it back on the way out):
 * given back the moment the lane ran dry, nearly every claim and record of a spread-out load
 * (one every few milliseconds) paid them, 15,500 times for 10,000 deliveries in bench/publish's
 * spread, against about 300 times for its release. Held through gaps shorter than this, it was
 * taken twice in the whole bench, and the spread's lateness fell from p50 19–21 / p99 112–139 ms
 * to 13–14 / 94–105 ms (two runs each, taking turns).
 */
const IDLE_GRACE_MS = 100;

/**
 * One connection from a pg pool, held while a run of statements lasts and given back
 * IDLE_GRACE_MS after it (StatementLane's idle callback). Through the pool itself, each statement
 * of a release waited for a connection until the jobs woken by the previous statement had built
 * their network requests (pg-pool hands out idle connections on the next tick): 2.4–2.9 ms per
 * statement, against statements of about 13 ms; 0.7 ms on a held connection (bench/publish,
 * measured in the worker).
 *
 * While held, the connection waits at most `lockTimeoutMs` for a row lock (Postgres' session
 * setting lock_timeout, put back to the server's default before the connection goes back to the
 * pool). The lane runs one statement at a time, so a statement stuck behind a lock held by some
 * other transaction (a session left open in the middle of an update, say) would otherwise stop
 * every claim and record of the worker until that transaction ended. Past the timeout the
 * statement fails with 55P03 (lock_not_available) and the lane retries its inputs one by one:
 * the others go through, and the one whose row is locked fails its job; the reconciler gives it a
 * new one (see StatementLane).
 */
export class LaneConnection {
  private held: Held | null = null;
  /** The give-back waiting out IDLE_GRACE_MS; a statement arriving meanwhile cancels it. */
  private idleTimer: NodeJS.Timeout | null = null;

  /** Sent once each time a connection is taken from the pool (lock_timeout 0 would mean no limit). */
  private readonly setLockTimeout: string;

  constructor(
    private readonly pool: () => Pool,
    lockTimeoutMs: number,
  ) {
    this.setLockTimeout = `SET lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`;
  }

  async query<T>(config: QueryConfig): Promise<T[]> {
    this.cancelGiveBack();
    const held = this.held ?? this.hold();
    const client = await held.client;
    try {
      return (await client.query(config)).rows as T[];
    } catch (err) {
      // A statement's own error leaves the connection usable; anything else (the connection broke,
      // or the server ended the session: severity FATAL) destroys it, and the next statement takes another.
      if (!(err instanceof DatabaseError && err.severity === 'ERROR')) this.letGo(held, asError(err));
      throw err;
    }
  }

  /**
   * Gives the connection back to the pool after IDLE_GRACE_MS unless a statement comes first
   * (nothing happens if none is held). Closing the pool waits for it, so shutdown takes at most
   * that much longer.
   */
  giveBack(): void {
    const held = this.held;
    if (!held || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      // Cleared here, not by letGo: letGo does nothing when `held` was already replaced (its connect failed).
      this.idleTimer = null;
      this.letGo(held);
    }, IDLE_GRACE_MS);
  }

  private cancelGiveBack(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private hold(): Held {
    const held: Held = {
      client: this.pool()
        .connect()
        .then(async (client) => {
          // A held connection is not watched by the pool: without a listener its error would end the process.
          client.on('error', held.onError);
          try {
            await client.query(this.setLockTimeout);
          } catch (err) {
            client.off('error', held.onError);
            client.release(asError(err));
            throw err;
          }
          return client;
        }),
      onError: (err) => this.letGo(held, err),
    };
    this.held = held;
    held.client.catch(() => {
      if (this.held === held) this.held = null;
    });
    return held;
  }

  /**
   * Releases `held` once, however many statements saw it fail, after putting lock_timeout back;
   * with `broken` (or if that fails), the pool destroys it.
   */
  private letGo(held: Held, broken?: Error): void {
    if (this.held !== held) return;
    this.cancelGiveBack();
    this.held = null;
    void held.client.then(
      async (client) => {
        const failure = broken ?? (await client.query('RESET lock_timeout').then(() => undefined, asError));
        client.off('error', held.onError);
        client.release(failure);
      },
      () => undefined,
    );
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
