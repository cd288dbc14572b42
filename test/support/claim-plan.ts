import { Client } from 'pg';
import { CLAIM_SQL, claimParams, PostingLimitTable } from '../../src/campaigns/deliveries/delivery.repository';

/**
 * The plan Postgres picks for the publish claim of `deliveryId`, as the worker sends it (the same
 * text and parameters, explained without running). Answers the plan as JSON text, and its nodes.
 */
export async function claimPlan(limits: PostingLimitTable, deliveryId: string): Promise<{ text: string; nodes: PlanNode[] }> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${CLAIM_SQL}`, claimParams(deliveryId, 1, `tok-${deliveryId}`, limits));
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
