import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Allow } from '../../common/access.decorator';
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
  create(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Body() dto: CreatePostDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.create(campaignId, dto, actorOf(user));
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
  list(@Param('campaignId', ParseUUIDPipe) campaignId: string, @Query() query: ListPostsQuery, @CurrentUser() user: AuthenticatedUser) {
    return this.service.list(campaignId, { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined }, user);
  }

  @Get('posts/:id')
  @Allow('manager', 'partner', 'reviewer')
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.service.get(id, user);
  }

  @Patch('posts/:id')
  @Allow('manager')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePostDto, @CurrentUser() user: AuthenticatedUser) {
    return this.service.update(id, dto, user);
  }
}
