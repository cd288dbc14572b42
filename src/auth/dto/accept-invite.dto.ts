import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password';

export class AcceptInviteDto {
  @ApiProperty({ description: 'The one-time token of the invitation (or password reset) link.', minLength: 20, maxLength: 200 })
  @IsString() @Length(20, 200) token!: string;
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, format: 'password' })
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) password!: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional() @IsString() @Length(1, 200) name?: string;
}
