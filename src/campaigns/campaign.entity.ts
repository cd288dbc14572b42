import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Partner } from './partners/partner.entity';

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column() slug!: string;
  @Column() name!: string;
  @Column() objective!: string;
  @Column({ name: 'time_zone' }) timeZone!: string;
  /** BCP 47 tag of the language its posts are written in ("fr"); null when not given. */
  @Column({ type: 'text', nullable: true }) language!: string | null;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt!: Date;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt!: Date;
  @Column({ name: 'baseline_starts_at', type: 'timestamptz' }) baselineStartsAt!: Date;
  @Column({ name: 'baseline_ends_at', type: 'timestamptz' }) baselineEndsAt!: Date;
  @Column({ name: 'operator_partner_id', type: 'uuid', nullable: true }) operatorPartnerId!: string | null;
  @ManyToMany(() => Partner)
  @JoinTable({ name: 'campaign_partners', joinColumn: { name: 'campaign_id' }, inverseJoinColumn: { name: 'partner_id' } })
  partners?: Partner[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
