import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, OwnSessionOnly, Public } from '../common/access.decorator';
import { AuthService, SignedIn } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { CurrentUser } from './current-user.decorator';
import { AcceptInviteDto } from './dto/accept-invite.dto';
import { ChangePasswordDto, FirstRunDto, RequestPasswordResetDto } from './dto/account.dto';
import { LoginDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttle';
import { SESSION_TTL_SECONDS } from './session.store';
import { SESSION_COOKIE } from './token.service';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Answers a short-lived bearer token and sets the httpOnly session cookie the web pages use. */
  @Post('login')
  @HttpCode(200)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response) {
    return withCookie(res, await this.auth.login(dto.email, dto.password));
  }

  @Post('accept-invite')
  @HttpCode(200)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  async acceptInvite(@Body() dto: AcceptInviteDto, @Res({ passthrough: true }) res: Response) {
    return withCookie(res, await this.auth.acceptInvite(dto));
  }

  /** The reset link's page: sets a new password with a reset token and signs in. */
  @Post('reset-password')
  @HttpCode(200)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  async resetPassword(@Body() dto: AcceptInviteDto, @Res({ passthrough: true }) res: Response) {
    return withCookie(res, await this.auth.resetPassword(dto));
  }

  /** Mails a reset link if the address has an account; answers the same either way. */
  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  async requestPasswordReset(@Body() dto: RequestPasswordResetDto): Promise<{ sent: true }> {
    await this.auth.requestPasswordReset(dto.email);
    return { sent: true };
  }

  /** What the sign-in page may offer: password reset (mail configured) and the first-run form (no user yet). */
  @Get('options')
  @Public()
  options() {
    return this.auth.signInOptions();
  }

  /** A new deployment's first manager; refused as soon as any user exists. */
  @Post('first-run')
  @HttpCode(201)
  @Public()
  @UseGuards(LoginThrottlerGuard)
  async firstRun(@Body() dto: FirstRunDto, @Res({ passthrough: true }) res: Response) {
    return withCookie(res, await this.auth.firstRun(dto));
  }

  /** The signed-in user's own password (their account only, so every role may). */
  @Post('password')
  @HttpCode(204)
  @Allow('manager', 'partner', 'reviewer')
  @OwnSessionOnly()
  async changePassword(@CurrentUser() user: AuthenticatedUser, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, dto.currentPassword, dto.newPassword);
  }

  @Post('logout')
  @HttpCode(204)
  @Allow('manager', 'partner', 'reviewer')
  @OwnSessionOnly()
  async logout(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(user);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Allow('manager', 'partner', 'reviewer')
  me(@CurrentUser() user: AuthenticatedUser) {
    const { sessionId: _sessionId, ...rest } = user;
    return rest;
  }
}

function withCookie(res: Response, signedIn: SignedIn) {
  const { sessionToken, ...body } = signedIn;
  res.cookie(SESSION_COOKIE, sessionToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: process.env.PUBLIC_URL?.startsWith('https://') ?? false,
    path: '/',
    maxAge: SESSION_TTL_SECONDS * 1000,
  });
  return body;
}
