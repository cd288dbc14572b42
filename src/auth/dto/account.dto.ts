import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '../password';

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 1024, format: 'password' }) @IsString() @MaxLength(1024) currentPassword!: string;
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, format: 'password' }) @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) newPassword!: string;
}

export class RequestPasswordResetDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
}

export class FirstRunDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, format: 'password' }) @IsString() @MinLength(MIN_PASSWORD_LENGTH) @MaxLength(1024) password!: string;
}
