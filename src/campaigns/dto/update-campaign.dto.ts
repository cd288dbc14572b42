import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { LANGUAGE_TAG } from './create-campaign.dto';

export class UpdateCampaignDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 5000) objective?: string;
  @ApiPropertyOptional({ example: 'fr' }) @IsOptional() @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 language tag such as "fr" or "pt-BR"' }) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() startsAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() endsAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() baselineStartsAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() baselineEndsAt?: string;
}
