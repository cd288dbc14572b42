import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TIME_EXAMPLE } from '../../dto/create-campaign.dto';

export class CreateActionDto {
  @ApiProperty({ example: 'Walking tour of the 18th' }) @IsString() @Length(1, 200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 5000) description?: string;
  @ApiProperty({ example: TIME_EXAMPLE }) @IsString() occursAt!: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() trackId?: string;
}
