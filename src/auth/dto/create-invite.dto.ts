import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { ROLES, Role } from '../../common/access.decorator';
import { Locale, LOCALES } from '../user.entity';

export class CreateInviteDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  /** Required for a partner user, refused for the other roles. */
  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a partner user, refused for the other roles.' }) @IsOptional() @IsUUID() partnerId?: string;
  @ApiPropertyOptional({ enum: LOCALES }) @IsOptional() @IsIn(LOCALES) locale?: Locale;
}
