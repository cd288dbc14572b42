import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../../channels/channel.entity';
import type { Post } from '../posts/post.entity';

export const DELIVERY_STATUSES = [
  'pending_approval', 'approved', 'publishing', 'published', 'failed', 'skipped', 'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const TERMINAL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['published', 'failed', 'skipped', 'cancelled'];

export const DELIVERY_ERROR_KINDS = [
  'rate_limited', 'transient', 'auth', 'content', 'unknown', 'not_approved', 'channel_unavailable',
] as const;
export type DeliveryErrorKind = (typeof DELIVERY_ERROR_KINDS)[number];

/** One post on one channel: the unit the publishing queue moves. */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'post_id', type: 'uuid' }) postId!: string;
  @ManyToOne('Post', 'deliveries', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'post_id' }) post?: Post;
  @Column({ name: 'channel_id', type: 'uuid' }) channelId!: string;
  @ManyToOne(() => Channel) @JoinColumn({ name: 'channel_id' }) channel?: Channel;
  @Column({ type: 'text' }) status!: DeliveryStatus;
  @Column({ name: 'post_version', type: 'integer' }) postVersion!: number;
  @Column({ name: 'approved_version', type: 'integer', nullable: true }) approvedVersion!: number | null;
  @Column({ name: 'resolved_text' }) resolvedText!: string;
  /** The link published with the text (its tracked short link with a public address); null: none, or the post's link for older rows. */
  @Column({ name: 'resolved_link', type: 'text', nullable: true }) resolvedLink!: string | null;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'error_kind', type: 'text', nullable: true }) errorKind!: DeliveryErrorKind | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId!: string | null;
  @Column({ name: 'external_url', type: 'text', nullable: true }) externalUrl!: string | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true }) claimedAt!: Date | null;
  @Column({ name: 'claimed_by', type: 'text', nullable: true }) claimedBy!: string | null;
  @Column({ name: 'idempotency_key', type: 'uuid' }) idempotencyKey!: string;
  /** When its publish job was added (it is due within the horizon); null while it has none. Transport bookkeeping, not a status. */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt!: Date | null;
  /** First attempt whose answer was lost (the network may have applied it); see DeliveryRepository. */
  @Column({ name: 'uncertain_since', type: 'timestamptz', nullable: true }) uncertainSince!: Date | null;
  /** Network-side handles of earlier attempts (Instagram container ids); see DeliveryRepository. */
  @Column({ name: 'attempt_refs', type: 'text', array: true, default: () => "'{}'" }) attemptRefs!: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
