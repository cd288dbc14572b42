interface Pending<In, Out> {
  input: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

/** What one statement of the lane answers: one output per input of each kind, in order. */
export interface LaneOutputs<FirstOut, SecondOut> {
  first: FirstOut[];
  second: SecondOut[];
}

/**
 * Lets the many publish jobs of one worker share their two hot statements (the claim and the
 * record of a publication) in one lane to Postgres: one statement at a time, carrying every input
 * of both kinds submitted while the previous one ran (one round trip, one commit). Nothing waits
 * for a batch to fill: an input submitted while the lane is free runs at once, so batching only
 * happens under load.
 *
 * Why one lane and not one per kind: on a release, two or three statements in flight at once cost
 * Postgres about twice the CPU per delivery of one at a time (concurrent backends on the same
 * index pages, and more, smaller commits); measured in bench/publish/FINDINGS.md.
 *
 * Each row keeps its own conditions (the statements are conditional UPDATEs over an `unnest` of
 * inputs), so a row's outcome does not depend on what it was batched with. A statement that fails
 * as a whole (e.g. a unique violation when another worker claimed the same channel first) is
 * retried input by input, so one row's trouble is not every job's.
 *
 * The price of one lane: a statement that waits for a row lock (another transaction updating the
 * same delivery, such as a manager cancelling its post) holds up this worker's other claims and
 * records until that transaction ends. The API's transactions on deliveries are short, and the
 * publish lane's connection bounds the wait (LaneConnection's lock timeout): the statement then
 * fails, and its inputs are retried one by one as above.
 */
export class StatementLane<FirstIn, FirstOut, SecondIn, SecondOut> {
  private readonly firsts: Array<Pending<FirstIn, FirstOut>> = [];
  private readonly seconds: Array<Pending<SecondIn, SecondOut>> = [];
  private busy = false;

  constructor(
    /** Runs one statement over the inputs of either kind or both (never neither). */
    private readonly run: (first: FirstIn[], second: SecondIn[]) => Promise<LaneOutputs<FirstOut, SecondOut>>,
    private readonly maxBatch = 128,
    /** Called each time the lane runs out of work (e.g. to give back a connection held while busy). */
    private readonly onIdle?: () => void,
  ) {}

  first(input: FirstIn): Promise<FirstOut> {
    return new Promise<FirstOut>((resolve, reject) => {
      this.firsts.push({ input, resolve, reject });
      this.pump();
    });
  }

  second(input: SecondIn): Promise<SecondOut> {
    return new Promise<SecondOut>((resolve, reject) => {
      this.seconds.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    if (this.firsts.length === 0 && this.seconds.length === 0) {
      this.onIdle?.();
      return;
    }
    this.busy = true;
    const firsts = this.firsts.splice(0, this.maxBatch);
    const seconds = this.seconds.splice(0, this.maxBatch);
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.busy = false;
      this.pump();
    };
    void this.flush(firsts, seconds, free).finally(free);
  }

  /**
   * `free` hands the lane to the next statement. On success that happens before the answers are
   * handed out: waking the jobs of a batch (each then builds and sends its network request) takes
   * the event loop a while, and the inputs that arrived meanwhile should not wait for it. Nothing
   * in the next statement can depend on these answers: an input is only submitted once the answer
   * it depends on has been handed out (DeliveryPublisher.withChannel).
   */
  private async flush(firsts: Array<Pending<FirstIn, FirstOut>>, seconds: Array<Pending<SecondIn, SecondOut>>, free: () => void): Promise<void> {
    let out: LaneOutputs<FirstOut, SecondOut>;
    try {
      out = await this.run(firsts.map((p) => p.input), seconds.map((p) => p.input));
    } catch (err) {
      if (firsts.length + seconds.length === 1) {
        (firsts[0] ?? seconds[0]).reject(err);
        return;
      }
      await Promise.all([
        ...firsts.map((p) => this.alone(p, async () => (await this.run([p.input], [])).first[0])),
        ...seconds.map((p) => this.alone(p, async () => (await this.run([], [p.input])).second[0])),
      ]);
      return;
    }
    free();
    firsts.forEach((p, i) => p.resolve(out.first[i]));
    seconds.forEach((p, i) => p.resolve(out.second[i]));
  }

  private async alone<In, Out>(p: Pending<In, Out>, run: () => Promise<Out>): Promise<void> {
    try {
      p.resolve(await run());
    } catch (err) {
      p.reject(err);
    }
  }
}
