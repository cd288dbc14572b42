import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsTimeZone } from '../../common/time/is-time-zone.validator';

/** A BCP 47 tag: a 2–3 letter language, then optional subtags (script, region, variant). */
export const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

export const TIME_EXAMPLE = '2027-01-15T10:00:00+01:00 or 2027-01-15T10:00 (local time in the campaign time zone)';

export class CreateCampaignDto {
  @ApiProperty({ example: 'costo-pack-2027' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and dashes (max 63)' })
  slug!: string;

  @ApiProperty({ example: 'CoSto Pack — communication commune' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'The guiding objective.' })
  @IsOptional() @IsString() @Length(0, 5000)
  objective?: string;

  @ApiProperty({ example: 'Europe/Paris' })
  @IsTimeZone()
  timeZone!: string;

  @ApiPropertyOptional({ example: 'fr', description: 'The language posts are written in (BCP 47), sent where a network labels it (Bluesky).' })
  @IsOptional() @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 language tag such as "fr" or "pt-BR"' })
  language?: string;

  @ApiProperty({ example: TIME_EXAMPLE }) @IsString() startsAt!: string;
  @ApiProperty({ example: TIME_EXAMPLE }) @IsString() endsAt!: string;

  @ApiPropertyOptional({ description: 'Default: 28 days before startsAt.' }) @IsOptional() @IsString() baselineStartsAt?: string;
  @ApiPropertyOptional({ description: 'Default: startsAt.' }) @IsOptional() @IsString() baselineEndsAt?: string;

  @ApiProperty({ type: [String], description: 'Member partners.' })
  @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true })
  partnerIds!: string[];

  @ApiPropertyOptional({ description: 'The operator partner (its channels are approved by the manager who submits).' })
  @IsOptional() @IsUUID()
  operatorPartnerId?: string;
}
