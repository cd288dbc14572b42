import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Partner } from './partners/partner.entity';
import { PartnerService } from './partners/partner.service';
import { PartnersController } from './partners/partners.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Partner])],
  controllers: [PartnersController],
  providers: [PartnerService],
  exports: [PartnerService],
})
export class CampaignsModule {}
