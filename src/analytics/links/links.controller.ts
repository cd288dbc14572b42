import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow, CampaignScoped, Public } from '../../common/access.decorator';
import { DomainError } from '../../common/errors/domain-error';
import { TrackedLinkService } from './tracked-link.service';

@ApiTags('links')
@Controller()
export class LinksController {
  constructor(private readonly links: TrackedLinkService) {}

  /** The short link people click. HEAD requests (link previews, crawlers) are answered but not counted. */
  @Get('l/:code')
  @Public()
  async follow(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const target = await this.links.follow(code, req.method === 'GET');
    if (!target) throw new DomainError('not_found', 'This link does not exist.', { code });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(302, target);
  }

  @Get('api/campaigns/:campaignId/links')
  @Allow('manager', 'partner', 'reviewer')
  @CampaignScoped()
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string) {
    return this.links.list(campaignId);
  }
}
