import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Partner } from '../campaigns/partners/partner.entity';
import { Network } from './network';

export const CHANNEL_STATUSES = ['active', 'needs_reauth', 'paused', 'disabled'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'partner_id', type: 'uuid' }) partnerId!: string;
  @ManyToOne('Partner', 'channels') @JoinColumn({ name: 'partner_id' }) partner?: Partner;
  @Column({ type: 'text' }) network!: Network;
  @Column() handle!: string;
  @Column({ name: 'external_id' }) externalId!: string;
  @Column({ name: 'instance_url', type: 'text', nullable: true }) instanceUrl!: string | null;
  @Column({ name: 'display_name', type: 'text', nullable: true }) displayName!: string | null;
  /** Encrypted envelope; select: false so it never leaves the repository by accident. */
  @Column({ name: 'credentials_encrypted', type: 'text', nullable: true, select: false }) credentialsEncrypted?: string | null;
  @Column({ name: 'credentials_updated_at', type: 'timestamptz', nullable: true }) credentialsUpdatedAt!: Date | null;
  @Column({ type: 'text' }) status!: ChannelStatus;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason!: string | null;
  @Column({ name: 'max_characters', type: 'integer', nullable: true }) maxCharacters!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
