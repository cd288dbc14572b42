import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { LANGUAGE_TAG } from './create-campaign.dto';
import { IsOmittable } from '../../common/is-omittable.decorator';

export class UpdateCampaignDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(0, 5000) objective?: string;
  @ApiPropertyOptional({ example: 'fr' }) @IsOmittable() @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 language tag such as "fr" or "pt-BR"' }) language?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() startsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() endsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() baselineStartsAt?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() baselineEndsAt?: string;
}
