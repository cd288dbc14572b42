import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ApprovalDecision = 'approved' | 'rejected';
export type ApprovalVia = 'login' | 'link' | 'manager';

/** A partner's decision on one version of a post. */
@Entity('approvals')
export class Approval {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'post_id', type: 'uuid' }) postId!: string;
  @Column({ name: 'partner_id', type: 'uuid' }) partnerId!: string;
  @Column({ name: 'post_version', type: 'integer' }) postVersion!: number;
  @Column({ type: 'text' }) decision!: ApprovalDecision;
  @Column() comment!: string;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ type: 'text' }) via!: ApprovalVia;
  @Column({ name: 'decided_at', type: 'timestamptz' }) decidedAt!: Date;
  /** Set when the decision was revised (changed by the partner, or the manager asked again); null for the current one. */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true }) supersededAt!: Date | null;
}
