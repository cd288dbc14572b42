import { Module } from '@nestjs/common';
import { CalendarFeedService } from './calendar/calendar-feed.service';
import { WebApiController } from './web-api.controller';
import { WebPagesController } from './web-pages.controller';
import { WebReadsService } from './web-reads.service';

/** The web pages (built front end under /app) and the page-only read endpoints. */
@Module({
  controllers: [WebApiController, WebPagesController],
  providers: [WebReadsService, CalendarFeedService],
})
export class WebModule {}
