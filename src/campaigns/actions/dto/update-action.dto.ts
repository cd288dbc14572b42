import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CreateActionDto } from './create-action.dto';

/** A field sent as null is refused (its column cannot be empty), except trackId: null detaches the action from its track. */
export class UpdateActionDto extends PartialType(CreateActionDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() override trackId?: string;
}
