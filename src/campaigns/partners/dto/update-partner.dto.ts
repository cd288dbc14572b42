import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional, IsUrl } from 'class-validator';
import { CreatePartnerDto } from './create-partner.dto';

/** A field sent as null is refused (its column cannot be empty), except website: null removes it. */
export class UpdatePartnerDto extends PartialType(OmitType(CreatePartnerDto, ['slug'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }) override website?: string;
}
