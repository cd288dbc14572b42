import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/access.decorator';
import { AuthService, publicUser } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { CurrentUser } from './current-user.decorator';
import { CreateInviteDto } from './dto/create-invite.dto';
import { UserAdminService } from './user-admin.service';

@ApiTags('users')
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly auth: AuthService,
    private readonly admin: UserAdminService,
  ) {}

  /** Creates the user (no password yet) and answers a one-time, expiring link to set it. */
  @Post('invites')
  @Allow('manager')
  invite(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateInviteDto) {
    return this.auth.invite(user, dto);
  }

  @Get()
  @Allow('manager')
  async list() {
    return (await this.admin.list()).map(publicUser);
  }

  /** Soft delete: the user's tokens stop working at once. */
  @Delete(':id')
  @HttpCode(204)
  @Allow('manager')
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.admin.remove(user, id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Allow('manager')
  async disable(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string) {
    return publicUser(await this.admin.setDisabled(user, id, true));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Allow('manager')
  async enable(@CurrentUser() user: AuthenticatedUser, @Param('id', ParseUUIDPipe) id: string) {
    return publicUser(await this.admin.setDisabled(user, id, false));
  }
}
