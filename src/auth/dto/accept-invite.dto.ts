import { IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password';

export class AcceptInviteDto {
  @IsString() @Length(20, 200) token!: string;
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) password!: string;
  @IsOptional() @IsString() @Length(1, 200) name?: string;
}
