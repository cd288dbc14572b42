import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsOmittable } from '../../common/is-omittable.decorator';

export class UpdateCampaignDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(0, 5000) objective?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() startsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() endsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() baselineStartsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() baselineEndsAt?: string;
}
