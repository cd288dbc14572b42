import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../common/access.decorator';

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column() email!: string;
  @Column() name!: string;
  @Column({ type: 'text' }) role!: Role;
  @Column({ name: 'partner_id', type: 'uuid', nullable: true }) partnerId!: string | null;
  /** argon2id; select: false so it never leaves the repository by accident. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false }) passwordHash?: string | null;
  @Column({ type: 'text' }) locale!: Locale;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
