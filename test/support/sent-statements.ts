import type { QueryConfig } from 'pg';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { claimParams, DeliveryTransitions, PostingLimitTable } from '../../src/queue/delivery-transitions';

/**
 * Runs `fn`: its result, and the named (prepared) statements it sent to Postgres, captured on
 * their way out (the spy calls through: nothing is mocked). Plain-text statements, such as the
 * lane connection's own setup and reset of lock_timeout (LaneConnection), are not listed.
 */
export async function statementsSentBy<T>(fn: () => Promise<T>): Promise<{ result: T; sent: QueryConfig[] }> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    const result = await fn();
    const sent = spy.mock.calls.map((c) => c[0] as unknown as QueryConfig | string).filter((q): q is QueryConfig => typeof q === 'object' && Boolean(q.name));
    return { result, sent };
  } finally {
    spy.mockRestore();
  }
}

/**
 * The plan Postgres picks for the publish claim as the worker really sends it: `claimed` are
 * claimed through DeliveryTransitions (its statement is captured, see statementsSentBy), then the
 * same statement is explained for `explained`, other deliveries of the same state, without
 * claiming them. Answers the plan as JSON text, and its nodes one by one.
 */
export async function claimPlan(db: DataSource, limits: PostingLimitTable, claimed: string[], explained: string[]): Promise<{ text: string; nodes: PlanNode[] }> {
  const transitions = new DeliveryTransitions(db);
  const { sent } = await statementsSentBy(() => Promise.all(claimed.map((id) => transitions.claim(id, 1, `tok-${id}`, limits))));
  const claim = sent.find((c) => c.name === 'chorus_publish_claim');
  expect(claim).toBeDefined();

  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const values = claimParams(explained.map((deliveryId) => ({ deliveryId, version: 1, claimToken: `tok-${deliveryId}`, limits })));
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
