import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Network } from '../../channels/network';
import type { Post } from './post.entity';

/** A per-network override of the post's base text. */
@Entity('post_variants')
export class PostVariant {
  @PrimaryColumn({ name: 'post_id', type: 'uuid' }) postId!: string;
  @PrimaryColumn({ type: 'text' }) network!: Network;
  @Column() text!: string;
  @ManyToOne('Post', 'variants', { onDelete: 'CASCADE' }) @JoinColumn({ name: 'post_id' }) post?: Post;
}
