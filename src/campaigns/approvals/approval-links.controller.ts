import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/access.decorator';
import { ApprovalLinkService } from './approval-link.service';
import { LinkDecisionDto } from './dto/decide.dto';

/** Public on purpose: the signed token is the authorisation, scoped to one post version and one partner. */
@ApiTags('approvals')
@Controller('api/approval-links')
export class ApprovalLinksController {
  constructor(private readonly links: ApprovalLinkService) {}

  @Get(':token')
  @Public()
  view(@Param('token') token: string) {
    return this.links.view(token);
  }

  @Post(':token')
  @HttpCode(200)
  @Public()
  answer(@Param('token') token: string, @Body() dto: LinkDecisionDto) {
    return this.links.answer(token, dto);
  }
}
