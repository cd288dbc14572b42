import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** `from` / `to`: a date (YYYY-MM-DD, a whole day in the campaign's zone) or an ISO instant with offset. */
export class WindowQueryDto {
  @ApiPropertyOptional({ example: '2026-03-01', maxLength: 40, description: 'A date (YYYY-MM-DD) or an ISO instant with offset; default: the campaign start.' })
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  @ApiPropertyOptional({ example: '2026-03-31', maxLength: 40, description: 'A date (whole day included) or an ISO instant with offset; default: the campaign end.' })
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

export class SeriesQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() channelId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnerId?: string;
}

/** `by`: the level output figures are grouped at (default track). */
export class OutputsQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ enum: ['campaign', 'track', 'partner', 'network', 'channel', 'post'], default: 'track' })
  @IsOptional() @IsIn(['campaign', 'track', 'partner', 'network', 'channel', 'post']) by?: string;
}

export class TopPostsQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class ReportQueryDto extends WindowQueryDto {
  /** 'fr': for French spreadsheets (semicolons, decimal commas, rounded figures, French words, names, Paris times). */
  @IsOptional() @IsIn(['fr']) format?: 'fr';
}
