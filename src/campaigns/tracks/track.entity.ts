import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrackPartner } from './track-partner.entity';

@Entity('tracks')
export class Track {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId!: string;
  @Column() name!: string;
  @Column() objective!: string;
  @Column({ name: 'output_indicators', type: 'jsonb' }) outputIndicators!: string[];
  @Column({ name: 'result_indicators', type: 'jsonb' }) resultIndicators!: string[];
  @OneToMany(() => TrackPartner, (tp) => tp.track, { cascade: true }) partners?: TrackPartner[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
