import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CreatePostDto } from './create-post.dto';

/**
 * Content fields bump the version (partners approve again); scheduledAt alone does not. A field
 * sent as null is refused, except those where null means "none": trackId, actionId, link.
 */
export class UpdatePostDto extends PartialType(CreatePostDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() override trackId?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() override actionId?: string;
  @ApiPropertyOptional({ nullable: true, maxLength: 2048 }) @IsOptional() @IsString() @MaxLength(2048) override link?: string;
}
