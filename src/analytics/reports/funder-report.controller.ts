import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, CampaignScoped } from '../../common/access.decorator';
import { WindowQueryDto } from '../dto/window-query.dto';
import { FunderReport, FunderReportService } from './funder-report.service';
import { renderFunderReportPdf } from './funder-report.pdf';
import { renderFunderReportXlsx } from './funder-report.xlsx';

/** The funder's report, laid out as the action plan: for the review group and the managers. */
@ApiTags('indicators')
@CampaignScoped()
@Controller('api/campaigns/:campaignId')
export class FunderReportController {
  constructor(private readonly reports: FunderReportService) {}

  @Get('report.pdf')
  @Allow('manager', 'reviewer')
  @ApiProduces('application/pdf')
  async pdf(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: WindowQueryDto, @Res() res: Response): Promise<void> {
    const report = await this.reports.build(campaignId, query);
    send(res, report, 'pdf', 'application/pdf', await renderFunderReportPdf(report));
  }

  @Get('report.xlsx')
  @Allow('manager', 'reviewer')
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async xlsx(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: WindowQueryDto, @Res() res: Response): Promise<void> {
    const report = await this.reports.build(campaignId, query);
    send(res, report, 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await renderFunderReportXlsx(report));
  }
}

function send(res: Response, report: FunderReport, ext: string, type: string, body: Buffer): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${report.campaign.slug}-rapport-${report.window.from.slice(0, 10)}-${report.window.to.slice(0, 10)}.${ext}"`);
  res.send(body);
}
