import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MediaItem } from '../../channels/adapters/network-adapter';
import { Partner } from '../partners/partner.entity';
import type { Delivery } from '../deliveries/delivery.entity';
import { PostVariant } from './post-variant.entity';

@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId!: string;
  @Column({ name: 'track_id', type: 'uuid', nullable: true }) trackId!: string | null;
  @Column({ name: 'action_id', type: 'uuid', nullable: true }) actionId!: string | null;
  @Column({ name: 'base_text' }) baseText!: string;
  @Column({ type: 'text', nullable: true }) link!: string | null;
  @Column({ type: 'jsonb' }) media!: MediaItem[];
  @Column({ name: 'scheduled_at', type: 'timestamptz' }) scheduledAt!: Date;
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true }) submittedAt!: Date | null;
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true }) cancelledAt!: Date | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @OneToMany(() => PostVariant, (v) => v.post, { cascade: true }) variants?: PostVariant[];
  @OneToMany('Delivery', 'post') deliveries?: Delivery[];
  @ManyToMany(() => Partner)
  @JoinTable({ name: 'post_featured_partners', joinColumn: { name: 'post_id' }, inverseJoinColumn: { name: 'partner_id' } })
  featuredPartners?: Partner[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
