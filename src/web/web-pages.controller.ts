import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Public } from '../common/access.decorator';

/** Built by `npm run build:web` (Vite) into web/dist; same place from src/web and dist/web. */
export const WEB_DIST = resolve(__dirname, '..', '..', 'web', 'dist');

// Pages and the approval link carry tokens in their address: never leak them to other sites.
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: https: http:; media-src 'self' https: http:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/**
 * Serves the single-page front end: hashed assets under /app/assets, and index.html for every
 * other /app address (the page's own router picks the page). Sign-in is checked by the API
 * calls the page makes, so the shell itself is public.
 */
@ApiExcludeController()
@Controller()
export class WebPagesController {
  @Get()
  @Public()
  root(@Res() res: Response) {
    res.redirect(302, '/app/');
  }

  @Get('app/assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response) {
    // Vite's file names only: no path separators, no dot-dot.
    if (!/^[\w.-]+$/.test(file) || file.includes('..')) {
      res.status(404).json({ code: 'route_not_found', message: 'No such asset.' });
      return;
    }
    const path = join(WEB_DIST, 'assets', file);
    if (!existsSync(path)) {
      res.status(404).json({ code: 'route_not_found', message: 'No such asset.' });
      return;
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(path, { maxAge: '365d', immutable: true });
  }

  /** `approve/:token` is the address the approval e-mails and the manager's copied links carry; `invite` the invitations'. */
  @Get(['app', 'app/*path', 'approve/:token', 'invite'])
  @Public()
  page(@Res() res: Response) {
    const index = join(WEB_DIST, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web pages are not built: run `npm run build:web`.');
      return;
    }
    res.set({ ...PAGE_HEADERS, 'Cache-Control': 'no-cache' });
    res.sendFile(index);
  }
}
