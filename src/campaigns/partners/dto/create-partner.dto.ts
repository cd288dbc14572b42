import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import { PARTNER_KINDS, PartnerKind } from '../partner.entity';

export class CreatePartnerDto {
  @ApiProperty({ example: 'petitscommerces', description: 'Lower-case letters, digits and dashes; used in {{partner:slug}} placeholders.' })
  @IsString() @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and dashes (max 63), starting with a letter or digit' })
  slug!: string;

  @ApiProperty({ example: 'petitscommerces.fr' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: PARTNER_KINDS, default: 'other' })
  @IsOptional() @IsIn(PARTNER_KINDS)
  kind?: PartnerKind;

  @ApiPropertyOptional({ example: 'https://www.petitscommerces.fr' })
  @IsOptional() @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  website?: string;
}
