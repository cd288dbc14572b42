import { PartialType } from '@nestjs/swagger';
import { CreatePostDto } from './create-post.dto';

/** Content fields bump the version (partners approve again); scheduledAt alone does not. */
export class UpdatePostDto extends PartialType(CreatePostDto) {}
