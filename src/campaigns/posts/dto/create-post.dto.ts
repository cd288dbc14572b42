import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested,
} from 'class-validator';
import { TIME_EXAMPLE } from '../../dto/create-campaign.dto';
import { IsVariants } from './is-variants.validator';
import type { Network } from '../../../channels/network';

export class MediaDto {
  @ApiProperty({ example: 'https://example.org/video-petitscommerces.jpg' }) @IsString() @Length(1, 2048) url!: string;
  @ApiPropertyOptional({ description: 'Alt text for people using screen readers.' }) @IsOptional() @IsString() @MaxLength(5000) altText?: string;
  @ApiProperty({ enum: ['image', 'video'] }) @IsIn(['image', 'video']) type!: 'image' | 'video';
}

export class PostContentDto {
  @ApiProperty({ example: 'Découvrez {{partner:petitscommerces}} dans une boutique du 18e !' })
  @IsString() @MaxLength(100_000)
  baseText!: string;

  @ApiPropertyOptional({ example: { x: 'Version courte pour X avec {{partner:tudigo}}' }, description: 'Per-network text replacing baseText.' })
  @IsOptional() @IsObject() @IsVariants()
  variants?: Partial<Record<Network, string>>;

  @ApiPropertyOptional({ example: 'https://www.costo.paris/pack' }) @IsOptional() @IsString() @MaxLength(2048)
  link?: string;

  @ApiPropertyOptional({ type: [MediaDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => MediaDto)
  media?: MediaDto[];

  @ApiPropertyOptional({ type: [String], description: 'Partners the post features (partners named by placeholders are added).' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true })
  featuredPartnerIds?: string[];

  @ApiProperty({ type: [String], description: 'The channels it goes out on: one delivery each.' })
  @IsArray() @ArrayMinSize(1, { message: 'channelIds must name at least one channel' }) @ArrayMaxSize(1000) @IsUUID('all', { each: true })
  channelIds!: string[];
}

export class CreatePostDto extends PostContentDto {
  @ApiProperty({ example: TIME_EXAMPLE }) @IsString()
  scheduledAt!: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() trackId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() actionId?: string;
}
