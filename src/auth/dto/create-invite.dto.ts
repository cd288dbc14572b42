import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { ROLES, Role } from '../../common/access.decorator';
import { Locale, LOCALES } from '../user.entity';

export class CreateInviteDto {
  @IsEmail() @MaxLength(320) email!: string;
  @IsString() @Length(1, 200) name!: string;
  @IsIn(ROLES) role!: Role;
  /** Required for a partner user, refused for the other roles. */
  @IsOptional() @IsUUID() partnerId?: string;
  @IsOptional() @IsIn(LOCALES) locale?: Locale;
}
