import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ maxLength: 1024, format: 'password' }) @IsString() @MaxLength(1024) password!: string;
}
