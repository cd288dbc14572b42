import type { QueryConfig } from 'pg';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DeliveryTransitions, PostingLimitTable } from '../../src/queue/delivery-transitions';

/**
 * The plan Postgres picks for the publish claim as the worker really sends it: `claimed` are
 * claimed through DeliveryTransitions (its statement is captured on its way to Postgres; the spy
 * calls through, nothing is mocked), then the same statement is explained for `explained`, other
 * deliveries of the same state, without claiming them. Answers the plan as JSON text, and its
 * nodes one by one.
 */
export async function claimPlan(db: DataSource, limits: PostingLimitTable, claimed: string[], explained: string[]): Promise<{ text: string; nodes: PlanNode[] }> {
  const spy = jest.spyOn(Client.prototype, 'query');
  const transitions = new DeliveryTransitions(db);
  let sent: QueryConfig[];
  try {
    await Promise.all(claimed.map((id) => transitions.claim(id, 1, `tok-${id}`, limits)));
    sent = spy.mock.calls.map((c) => c[0] as unknown as QueryConfig);
  } finally {
    spy.mockRestore();
  }
  const claim = sent.find((c) => typeof c === 'object' && c.name === 'chorus_publish_claim');
  expect(claim).toBeDefined();

  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const values = [explained, explained.map(() => 1), explained.map((id) => `tok-${id}`), ...(claim!.values ?? []).slice(3)];
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${claim!.text}`, values);
    const root = (rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
    return { text: JSON.stringify(root), nodes: flatten(root) };
  } finally {
    await client.end();
  }
}

/** One node of an EXPLAIN (FORMAT JSON) plan, with the fields these tests read. */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}
