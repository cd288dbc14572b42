import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditActor } from '../../audit/audit.service';
import { Allow } from '../../common/access.decorator';
import { Actor } from '../../common/actor.decorator';
import { CreatePostDto, PostContentDto } from './dto/create-post.dto';
import { ListPostsQuery } from './dto/list-posts.query';
import { UpdatePostDto } from './dto/update-post.dto';
import { PostService } from './post.service';

@ApiTags('posts')
@Controller('api')
export class PostsController {
  constructor(private readonly service: PostService) {}

  @Post('campaigns/:campaignId/posts')
  @Allow('manager')
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreatePostDto, @Actor() actor: AuditActor) {
    return this.service.create(campaignId, dto, actor);
  }

  /** The composer's check: every channel's resolved text, counts and problems; saves nothing. */
  @Post('campaigns/:campaignId/posts/preview')
  @HttpCode(200)
  @Allow('manager')
  preview(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: PostContentDto) {
    return this.service.preview(campaignId, dto);
  }

  @Get('campaigns/:campaignId/posts')
  @Allow('manager', 'partner', 'reviewer')
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: ListPostsQuery) {
    return this.service.list(campaignId, { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined });
  }

  @Get('posts/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.get(id);
  }

  @Patch('posts/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePostDto, @Actor() actor: AuditActor) {
    return this.service.update(id, dto, actor);
  }
}
