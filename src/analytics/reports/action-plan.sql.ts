import { DataSource } from 'typeorm';

/** A track as the reports lay out the action plan: its objective, indicators and partners. */
export interface PlanTrack {
  id: string;
  name: string;
  objective: string;
  output_indicators: string[];
  result_indicators: string[];
  partner_ids: string[];
}

/** The campaign's guiding objective and its tracks, read once for the CSV and the funder's report alike. */
export async function readActionPlan(db: DataSource, campaignId: string): Promise<{ objective: string | null; tracks: PlanTrack[] }> {
  const [tracks, campaign] = await Promise.all([
    db.query(
      `SELECT t.id, t.name, t.objective, t.output_indicators, t.result_indicators,
              coalesce(array_agg(tp.partner_id) FILTER (WHERE tp.partner_id IS NOT NULL), '{}') AS partner_ids
         FROM tracks t LEFT JOIN track_partners tp ON tp.track_id = t.id
        WHERE t.campaign_id = $1 GROUP BY t.id ORDER BY t.name`,
      [campaignId],
    ) as Promise<PlanTrack[]>,
    db.query(`SELECT objective FROM campaigns WHERE id = $1`, [campaignId]) as Promise<Array<{ objective: string }>>,
  ]);
  return { objective: campaign[0]?.objective ?? null, tracks };
}
