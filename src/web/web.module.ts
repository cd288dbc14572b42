import { Module } from '@nestjs/common';
import { CalendarFeedAccessService } from './calendar/calendar-feed-access.service';
import { CalendarFeedService } from './calendar/calendar-feed.service';
import { WebApiController } from './web-api.controller';
import { WebPagesController } from './web-pages.controller';
import { WebReadsService } from './web-reads.service';

/** The web pages (built front end under /app) and the page-only read endpoints. */
@Module({
  controllers: [WebApiController, WebPagesController],
  providers: [WebReadsService, CalendarFeedService, CalendarFeedAccessService],
})
export class WebModule {}
