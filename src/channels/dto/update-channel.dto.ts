import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUrl, Length, Max, Min } from 'class-validator';

export class UpdateChannelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) handle?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) displayName?: string;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }) instanceUrl?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100000) maxCharacters?: number;
}
