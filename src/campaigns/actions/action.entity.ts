import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A dated milestone of a campaign or track (video release, launch event, walking tour). */
@Entity('actions')
export class Action {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId!: string;
  @Column({ name: 'track_id', type: 'uuid', nullable: true }) trackId!: string | null;
  @Column() title!: string;
  @Column() description!: string;
  @Column({ name: 'occurs_at', type: 'timestamptz' }) occursAt!: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
