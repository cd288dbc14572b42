import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { SessionStore } from '../auth/session.store';
import { SESSION_COOKIE, TokenService } from '../auth/token.service';
import { UserService } from '../auth/user.service';
import { QueueName } from '../queue/queue-names';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const READ_METHODS = new Set(['GET', 'HEAD']);

// bull-board's page asks Google for its fonts: the policy keeps managers' browsers on our own host.
const DASHBOARD_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/**
 * bull-board's dashboard of our BullMQ queues at /admin/queues, for managers only: it is an
 * Express router outside Nest's controllers, so the global access guard does not see it and
 * `managerOnly` checks the web pages' session cookie itself. Read-only twice over: bull-board's
 * readOnlyMode hides and refuses its actions, and the middleware lets only GET and HEAD through.
 * Postgres stays the truth; the dashboard shows the transport (what is delayed, active, stuck).
 */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), { readOnlyMode: true, allowRetries: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Chorus queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, managerOnly(app), serverAdapter.getRouter());
}

function managerOnly(app: INestApplication) {
  const tokens = app.get(TokenService, { strict: false });
  const sessions = app.get(SessionStore, { strict: false });
  const users = app.get(UserService, { strict: false });
  const refuse = (res: Response, status: number, code: string, message: string) => res.status(status).json({ code, message, details: { allowed: ['manager'] } });

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      res.set(DASHBOARD_HEADERS);
      const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      const claims = cookie ? await tokens.verify('session', cookie) : null;
      const user = claims && (await sessions.isOpen(claims.sessionId, claims.userId)) ? await users.findActive(claims.userId) : null;
      if (!user) {
        // A browser goes to the sign-in page; anything else gets the API's answer.
        if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') return res.redirect(302, '/app/login');
        refuse(res, 401, 'unauthenticated', 'Sign in as a manager first.');
        return;
      }
      if (user.role !== 'manager') {
        refuse(res, 403, 'forbidden', `The queue dashboard is for managers; you are ${user.role}.`);
        return;
      }
      if (!READ_METHODS.has(req.method)) {
        refuse(res, 403, 'forbidden', 'The queue dashboard is read-only: change deliveries through the API.');
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
