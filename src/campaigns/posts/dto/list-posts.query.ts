import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class ListPostsQuery {
  @ApiPropertyOptional({ description: 'ISO instant: posts scheduled at or after.' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'ISO instant: posts scheduled before.' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}
