/**
 * Lets the many publish jobs of one worker share round trips: the same statement issued by
 * concurrent jobs while an earlier one is still running goes to Postgres as one statement over
 * all their rows (one parse, one commit, one socket write). Nothing waits for a batch to fill:
 * with no statement in flight a submission runs at once, so batching only happens under load.
 *
 * Each row keeps its own conditions (the statements are the same conditional UPDATEs, over an
 * `unnest` of inputs), so a row's outcome does not depend on what it was batched with. A batch
 * that fails as a whole (e.g. a deadlock victim against a manager's bulk update of the same rows)
 * is retried row by row, so one row's trouble is not every job's.
 */
export class StatementBatcher<In, Out> {
  private pending: Array<{ input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    /** Runs the statement over inputs; answers one output per input, in order. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 128,
    private readonly maxInFlight = 2,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: StatementBatcher<In, Out>['pending']): Promise<void> {
    try {
      const outs = await this.run(batch.map((b) => b.input));
      batch.forEach((b, i) => b.resolve(outs[i]));
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
    }
    await Promise.all(
      batch.map(async (b) => {
        try {
          b.resolve((await this.run([b.input]))[0]);
        } catch (err) {
          b.reject(err);
        }
      }),
    );
  }
}
