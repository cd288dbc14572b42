import { IsIn, IsInt, IsString, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import type { ApprovalDecision } from '../approval.entity';

const DECISIONS: ApprovalDecision[] = ['approved', 'rejected'];

export class LinkDecisionDto {
  @IsIn(DECISIONS) decision!: ApprovalDecision;
  /** Required when rejecting: the manager needs to know what to change. */
  @ValidateIf((o: LinkDecisionDto) => o.decision === 'rejected' || o.comment !== undefined)
  @IsString() @MinLength(1, { message: 'comment is required when rejecting' }) @MaxLength(2000)
  comment?: string;
}

export class DecideDto extends LinkDecisionDto {
  /** The post version being decided: deciding on an outdated version is refused (409). */
  @IsInt() @Min(1) version!: number;
}

