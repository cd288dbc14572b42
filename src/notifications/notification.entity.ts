import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_KINDS = [
  'approval_requested', 'approval_reminder', 'approval_rejected', 'delivery_failed', 'channel_needs_reauth',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One line of a user's inbox. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text' }) kind!: NotificationKind;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  @Column({ name: 'dedupe_key', type: 'text', nullable: true, select: false }) dedupeKey?: string | null;
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true }) readAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
