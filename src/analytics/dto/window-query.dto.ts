import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** `from` / `to`: a date (YYYY-MM-DD, a whole day in the campaign's zone) or an ISO instant with offset. */
export class WindowQueryDto {
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

export class SeriesQueryDto extends WindowQueryDto {
  @IsOptional() @IsUUID() channelId?: string;
  @IsOptional() @IsUUID() partnerId?: string;
}

export class ReportQueryDto extends WindowQueryDto {
  /** 'fr': for French spreadsheets (semicolons, decimal commas, rounded figures, French words, names, Paris times). */
  @IsOptional() @IsIn(['fr']) format?: 'fr';
}
