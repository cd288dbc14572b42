import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** `from` / `to`: a date (YYYY-MM-DD, a whole day in the campaign's zone) or an ISO instant with offset. */
export class WindowQueryDto {
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

export class SeriesQueryDto extends WindowQueryDto {
  @IsOptional() @IsUUID() channelId?: string;
  @IsOptional() @IsUUID() partnerId?: string;
}

/** `by`: the level output figures are grouped at (default track). */
export class OutputsQueryDto extends WindowQueryDto {
  @IsOptional() @IsIn(['campaign', 'track', 'partner', 'network', 'channel', 'post']) by?: string;
}

export class TopPostsQueryDto extends WindowQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}
