import { Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Allow, OwnSessionOnly, Public } from '../common/access.decorator';
import { ENV, type Env } from '../config/env';
import { CalendarFeedAccessService } from './calendar/calendar-feed-access.service';
import { CalendarFeedService, type CalendarFile } from './calendar/calendar-feed.service';
import { WebReadsService } from './web-reads.service';

/** Small read endpoints shaped for the web pages, and the campaign's iCalendar feed. */
@ApiTags('web')
@Controller()
export class WebApiController {
  constructor(
    private readonly reads: WebReadsService,
    private readonly feeds: CalendarFeedService,
    private readonly feedAccess: CalendarFeedAccessService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Get('api/web/campaigns/:id/calendar')
  @Allow('manager', 'partner', 'reviewer')
  calendar(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.reads.calendar(id, user);
  }

  @Get('api/web/campaigns/:id/composer')
  @Allow('manager')
  composer(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.reads.composer(id, user);
  }

  @Get('api/web/posts/:id')
  @Allow('manager', 'partner', 'reviewer')
  post(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.reads.post(id, user);
  }

  /** Refusals of current versions still to be handled (not cancelled, not long past): the manager's to-do. */
  @Get('api/web/refusals')
  @Allow('manager')
  refusals() {
    return this.reads.refusals();
  }

  /** The signed-in user's own secret address to subscribe to from a calendar app (no sign-in there). */
  @Get('api/web/campaigns/:id/calendar-feed')
  @Allow('manager', 'partner', 'reviewer')
  async feedAddress(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.reads.calendar(id, user); // same visibility as the calendar page
    res.setHeader('Cache-Control', 'no-store');
    return { url: `${this.origin(req)}${await this.feedAccess.feedPath(id, user)}` };
  }

  /** Revokes the signed-in user's feed address of this campaign; asking for the address again makes a new one. */
  @Delete('api/web/campaigns/:id/calendar-feed')
  @HttpCode(204)
  @Allow('manager', 'partner', 'reviewer')
  @OwnSessionOnly()
  async revokeFeed(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.feedAccess.revoke(id, user);
  }

  @Get('api/campaigns/:id/calendar.ics')
  @Allow('manager', 'partner', 'reviewer')
  async ics(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser, @Req() req: Request, @Res() res: Response) {
    await this.reads.calendar(id, user);
    this.sendIcs(res, await this.feeds.render(id, this.origin(req), user));
  }

  @Get('feeds/campaigns/:id/:key/calendar.ics')
  @Public()
  async publicIcs(@Param('id', ParseUUIDPipe) id: string, @Param('key') key: string, @Req() req: Request, @Res() res: Response) {
    const viewer = await this.feedAccess.viewerOf(id, key);
    this.sendIcs(res, await this.feeds.render(id, this.origin(req), viewer));
  }

  private sendIcs(res: Response, file: CalendarFile) {
    res.set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `inline; filename="${file.fileName}"`, 'Cache-Control': 'private, max-age=300' });
    res.send(file.body);
  }

  private origin(req: Request): string {
    return (this.env.PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
  }
}
