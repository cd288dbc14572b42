import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { ReportQueryDto } from '../dto/window-query.dto';
import { ReportService } from './report.service';

/** Figures only (conversion totals, never their notes): every role may download it. */
@ApiTags('indicators')
@CampaignScoped()
@Controller('api/campaigns/:campaignId/report.csv')
export class ReportsController {
  constructor(private readonly reports: ReportService) {}

  @Get()
  @Allow('manager', 'partner', 'reviewer')
  @ApiProduces('text/csv')
  async csv(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: ReportQueryDto, @Res() res: Response): Promise<void> {
    const { filename, body } = await this.reports.csv(campaignId, { from: query.from, to: query.to }, query.format === 'fr' ? 'fr' : 'machine');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    // The BOM lets spreadsheet software read the accents as UTF-8.
    res.send('\uFEFF' + body);
  }
}
