import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export const CONVERSION_SOURCES = ['costo_cheque', 'campaign_code', 'link', 'other'] as const;
export type ConversionSource = (typeof CONVERSION_SOURCES)[number];

export class RecordConversionDto {
  @ApiPropertyOptional({ description: 'Required for managers; a partner user records for its own partner (may be omitted).' })
  @IsOptional() @IsUUID() partnerId?: string;

  @ApiProperty({ example: '2026-03-14', description: 'The day the new customers came, in the campaign’s time zone.' })
  @IsString() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'occurredOn must be a date YYYY-MM-DD' }) @IsISO8601({ strict: true })
  occurredOn!: string;

  @ApiProperty({ example: 3 }) @IsInt() @Min(1) @Max(100000) count!: number;

  @ApiProperty({ enum: CONVERSION_SOURCES, description: 'costo_cheque: CoSto Pack cheque; campaign_code: a campaign code; link: a tracked link; other.' })
  @IsIn(CONVERSION_SOURCES, { message: `source must be one of ${CONVERSION_SOURCES.join(', ')}` })
  source!: ConversionSource;

  @ApiPropertyOptional({ description: 'With source campaign_code: the code the customers gave.' })
  @IsOptional() @IsString() @MaxLength(40) code?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class CreateCampaignCodeDto {
  @ApiProperty() @IsUUID() partnerId!: string;
  @ApiProperty({ example: 'COSTO-TUDIGO' })
  @IsString() @Matches(/^[A-Za-z0-9_-]{2,40}$/, { message: 'code must be 2–40 letters, digits, - or _' })
  code!: string;
}
