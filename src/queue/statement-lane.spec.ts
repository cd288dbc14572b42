import { LaneOutputs, StatementLane } from './statement-lane';

/** A statement runner that records each call and answers when the test lets it. */
function controlledRunner(fail?: (first: number[], second: string[]) => boolean) {
  const calls: Array<{ first: number[]; second: string[] }> = [];
  const waiting: Array<() => void> = [];
  const run = (first: number[], second: string[]): Promise<LaneOutputs<number, string>> => {
    calls.push({ first, second });
    return new Promise((resolve, reject) => {
      waiting.push(() => {
        if (fail?.(first, second)) reject(new Error(`statement over ${first.join(',')}|${second.join(',')} failed`));
        else resolve({ first: first.map((n) => n * 10), second: second.map((s) => s.toUpperCase()) });
      });
    });
  };
  /** Lets the oldest running statement answer, then lets the lane start the next one. */
  const answer = async () => {
    waiting.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { run, calls, answer, running: () => waiting.length };
}

describe('StatementLane', () => {
  it('runs one statement at a time; what arrives meanwhile goes together, both kinds in one statement', async () => {
    const r = controlledRunner();
    const lane = new StatementLane(r.run);
    const a = lane.first(1);
    const b = lane.first(2);
    const c = lane.second('x');
    const d = lane.first(3);
    // The first input went at once, alone; the others wait for it.
    expect(r.calls).toEqual([{ first: [1], second: [] }]);
    expect(r.running()).toBe(1);
    await r.answer();
    expect(r.calls[1]).toEqual({ first: [2, 3], second: ['x'] });
    expect(r.running()).toBe(1);
    await r.answer();
    expect(await Promise.all([a, b, c, d])).toEqual([10, 20, 'X', 30]);
    expect(r.calls).toHaveLength(2);
  });

  it('takes at most maxBatch inputs of each kind per statement', async () => {
    const r = controlledRunner();
    const lane = new StatementLane(r.run, 2);
    const all = [lane.first(1), lane.first(2), lane.first(3), lane.first(4), lane.second('a'), lane.second('b'), lane.second('c')];
    await r.answer();
    await r.answer();
    await r.answer();
    expect(r.calls).toEqual([
      { first: [1], second: [] },
      { first: [2, 3], second: ['a', 'b'] },
      { first: [4], second: ['c'] },
    ]);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 'A', 'B', 'C']);
  });

  it('retries a failed statement input by input, so only the bad input fails', async () => {
    // Any statement that contains 13 fails, as a unique violation fails a whole batch.
    const r = controlledRunner((first) => first.includes(13));
    const lane = new StatementLane(r.run);
    const busy = lane.first(1);
    const good = lane.first(2);
    const bad = lane.first(13);
    const record = lane.second('y');
    const badFails = expect(bad).rejects.toThrow('statement over 13| failed');
    await r.answer();
    await r.answer(); // the batch [2, 13] + ['y'] fails
    expect(r.calls.slice(2)).toEqual([
      { first: [2], second: [] },
      { first: [13], second: [] },
      { first: [], second: ['y'] },
    ]);
    await r.answer();
    await r.answer();
    await r.answer();
    await badFails;
    expect(await Promise.all([busy, good, record])).toEqual([10, 20, 'Y']);
  });

  it('passes a lone failing input its own error, without running it twice', async () => {
    const r = controlledRunner(() => true);
    const lane = new StatementLane(r.run);
    const onlyFails = expect(lane.second('z')).rejects.toThrow('statement over |z failed');
    await r.answer();
    await onlyFails;
    expect(r.calls).toHaveLength(1);
  });

  it('says when it runs out of work, and not while work waits', async () => {
    const r = controlledRunner();
    let idle = 0;
    const lane = new StatementLane(r.run, 128, () => idle++);
    const a = lane.first(1);
    const b = lane.second('q');
    await r.answer();
    // The second statement (for 'q') is running: not idle yet.
    expect(idle).toBe(0);
    await r.answer();
    expect(idle).toBe(1);
    expect(await Promise.all([a, b])).toEqual([10, 'Q']);
    const c = lane.first(2);
    await r.answer();
    expect(await c).toBe(20);
    expect(idle).toBe(2);
  });
});
