import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Channel } from '../../channels/channel.entity';

export const PARTNER_KINDS = ['operator', 'startup', 'association', 'tourism', 'institution', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

@Entity('partners')
export class Partner {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column() slug!: string;
  @Column() name!: string;
  @Column({ type: 'text' }) kind!: PartnerKind;
  @Column({ type: 'text', nullable: true }) website!: string | null;
  @OneToMany(() => Channel, (c) => c.partner) channels?: Channel[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
