import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password';

export class ChangePasswordDto {
  @IsString() @MaxLength(1024) currentPassword!: string;
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) newPassword!: string;
}

export class RequestPasswordResetDto {
  @IsEmail() @MaxLength(320) email!: string;
}

export class FirstRunDto {
  @IsEmail() @MaxLength(320) email!: string;
  @IsString() @Length(1, 200) name!: string;
  @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) password!: string;
}
