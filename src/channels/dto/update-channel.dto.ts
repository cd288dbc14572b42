import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUrl, Length, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable } from '../../common/is-omittable.decorator';

export class UpdateChannelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOmittable() @IsString() @Length(1, 200) handle?: string;
  /** null removes the display name. */
  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) displayName?: string | null;
  @ApiPropertyOptional({ description: 'Changing it clears the credentials: reconnect the account after.', maxLength: 2000 })
  @IsOmittable() @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }) @MaxLength(2000) instanceUrl?: string;
  /** null goes back to the network's own limit. */
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: 100000 }) @IsOptional() @IsInt() @Min(1) @Max(100000) maxCharacters?: number | null;
}
