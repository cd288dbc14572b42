import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import type { ApprovalDecision } from '../approval.entity';

const DECISIONS: ApprovalDecision[] = ['approved', 'rejected'];

export class LinkDecisionDto {
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS) decision!: ApprovalDecision;
  /** Required when rejecting: the manager needs to know what to change. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 2000, description: 'Required when rejecting.' })
  @ValidateIf((o: LinkDecisionDto) => o.decision === 'rejected' || o.comment !== undefined)
  @IsString() @MinLength(1, { message: 'comment is required when rejecting' }) @MaxLength(2000)
  comment?: string;
}

export class DecideDto extends LinkDecisionDto {
  /** The post version being decided: deciding on an outdated version is refused (409). */
  @ApiProperty({ minimum: 1, description: 'The post version being decided.' }) @IsInt() @Min(1) version!: number;
}

