import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Track } from './track.entity';

export type TrackRole = 'leader' | 'member';

@Entity('track_partners')
export class TrackPartner {
  @PrimaryColumn({ name: 'track_id', type: 'uuid' }) trackId!: string;
  @PrimaryColumn({ name: 'partner_id', type: 'uuid' }) partnerId!: string;
  @Column({ type: 'text' }) role!: TrackRole;
  @ManyToOne('Track', 'partners', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'track_id' }) track?: Track;
}
