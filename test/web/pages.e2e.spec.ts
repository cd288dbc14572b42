import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/test-app';
import { aWebWorld, type WebUser, type WebWorld } from '../support/web-fixtures';
import { accessibilityViolations, ensureChromium, ensureWebBuild, horizontalOverflow, NARROW, openBrowser, screenshots, type Browser } from './browser';

// Whole user journeys in a real browser: allow for a slow, shared CI machine.
jest.setTimeout(180_000);

/**
 * The three users' jobs in a real browser (Debian's chromium through playwright-core) against
 * the real app on an ephemeral port: the manager composes and submits a joint post, partner A
 * approves from its inbox, partner B from a link, the reviewer reads the indicators. Each page
 * is photographed at desktop and phone widths under artifacts/screenshots/.
 */
describe('web pages (browser)', () => {
  let t: TestApp;
  let base: string;
  let world: WebWorld;
  let db: DataSource;
  let postId: string;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    ensureChromium();
    ensureWebBuild();
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    world = await aWebWorld(t);
  }, 15 * 60_000);

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await t?.close();
  });

  async function browserFor(user: WebUser | null): Promise<Page> {
    const browser = await openBrowser();
    browsers.push(browser);
    const { page } = browser;
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    page.on('response', (r) => { if (r.status() >= 500 || r.status() === 429) console.error(`HTTP ${r.status()} ${r.url()}`); });
    if (user) {
      await page.goto(`${base}/app/login`);
      await page.getByLabel('Adresse e-mail').fill(user.email);
      await page.getByLabel('Mot de passe').fill(user.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: 'Campagnes', level: 1 }).waitFor();
    }
    return page;
  }

  it('serves the sign-in page in French, then the campaigns of the signed-in manager', async () => {
    const page = await browserFor(null);
    await page.goto(`${base}/app/`);
    await page.waitForURL(/\/app\/login/);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await screenshots(page, 'sign-in');

    await page.getByLabel('Adresse e-mail').fill(world.users.manager.email);
    await page.getByLabel('Mot de passe').fill('wrong password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();

    await page.getByLabel('Mot de passe').fill(world.users.manager.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: world.campaignName }).waitFor();
    await screenshots(page, 'campaigns');
  });

  it('a manager invites a partner user, who accepts with a password, signs in and later changes it', async () => {
    const page = await browserFor(world.users.manager);
    await page.getByRole('navigation').getByRole('link', { name: 'Utilisateurs' }).click();
    await page.getByRole('heading', { name: 'Utilisateurs', level: 1 }).waitFor();
    const c = world.partners[2]!;
    const email = `carillon-${Date.now()}@test.chorus`;
    await page.getByLabel('Nom et prénom').fill('Camille Carillon');
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Rôle').selectOption('partner');
    await page.getByRole('button', { name: 'Inviter' }).click();
    await page.getByText('Remplissez tous les champs.').waitFor(); // no partner chosen yet
    await page.getByLabel('Partenaire', { exact: true }).selectOption(c.id);
    await page.getByRole('button', { name: 'Inviter' }).click();
    const sent = page.getByTestId('invite-sent');
    await sent.getByText(/copiez le lien/).waitFor();
    const link = await sent.getByLabel(/Lien d’invitation/).inputValue();
    expect(link).toMatch(/\/invite\?token=[\w-]+$/);
    await page.getByTestId('users').getByText(email).waitFor();
    await screenshots(page, 'users');

    const invited = await browserFor(null);
    await invited.goto(link);
    await invited.getByRole('heading', { name: 'Bienvenue sur Chorus' }).waitFor();
    await invited.getByLabel('Nouveau mot de passe', { exact: true }).fill('carillon-password');
    await invited.getByLabel('Nouveau mot de passe, encore une fois').fill('carillon-passwrod');
    await invited.getByRole('button', { name: 'Choisir ce mot de passe et entrer' }).click();
    await invited.getByText('Les deux mots de passe ne sont pas identiques.').waitFor();
    await screenshots(invited, 'invite-accept');
    await invited.getByLabel('Nouveau mot de passe, encore une fois').fill('carillon-password');
    await invited.getByRole('button', { name: 'Choisir ce mot de passe et entrer' }).click();
    await invited.getByRole('heading', { name: 'Campagnes', level: 1 }).waitFor();
    await invited.getByRole('link', { name: /Camille Carillon/ }).first().waitFor({ state: 'attached' });
    const [user] = await db.query(`SELECT role, partner_id, password_hash IS NOT NULL AS has_password FROM users WHERE email = $1`, [email]);
    expect(user).toEqual({ role: 'partner', partner_id: c.id, has_password: true });

    // Later: the partner changes its password from "Mon compte" and signs in with the new one.
    await invited.goto(`${base}/app/account`);
    await invited.getByRole('heading', { name: 'Mon compte' }).waitFor();
    await invited.getByLabel('Mot de passe actuel').fill('carillon-password');
    await invited.getByLabel('Nouveau mot de passe', { exact: true }).fill('carillon-password-2');
    await invited.getByLabel('Nouveau mot de passe, encore une fois').fill('carillon-password-2');
    await invited.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await invited.getByText('Mot de passe changé.').waitFor();
    await screenshots(invited, 'account');
    const again = await browserFor({ email, password: 'carillon-password-2' });
    await again.getByRole('heading', { name: 'Campagnes', level: 1 }).waitFor();
  });

  it('a new partner joins the running campaign from the pages, and the composer offers its account', async () => {
    const slug = `bastina-${Date.now().toString(36)}`;
    const partner = (await world.manager.post('/api/partners').send({ slug, name: 'Bastina' }).expect(201)).body as { id: string };
    const channel = (
      await world.manager
        .post(`/api/partners/${partner.id}/channels`)
        .send({ network: 'sandbox', handle: `@${slug}`, externalId: `sbx-${slug}`, credentials: { accessToken: 'test-token' } })
        .expect(201)
    ).body as { id: string };

    const page = await browserFor(world.users.manager);
    await openPage(page, `${base}/app/setup`, 'Mise en place');
    await page.getByLabel('Campagne', { exact: true }).selectOption({ label: world.campaignName });
    const join = page.locator('section[aria-labelledby="setup-join"]');
    await join.getByTestId('campaign-members').waitFor();
    await join.getByRole('group', { name: 'Partenaires à ajouter' }).getByLabel('Bastina').check();
    await join.getByRole('button', { name: 'Ajouter à la campagne' }).click();
    await join.getByRole('status').getByText('Ajouté(s) à la campagne : Bastina.').waitFor();
    await screenshots(page, 'setup-join');
    expect(await db.query(`SELECT 1 FROM campaign_partners WHERE campaign_id = $1 AND partner_id = $2`, [world.campaignId, partner.id])).toHaveLength(1);

    // The running campaign's objective is edited from the same page.
    const edit = page.locator('section[aria-labelledby="setup-edit"]');
    await edit.getByLabel('Objectif').fill('Donner une visibilité réciproque, Bastina compris.');
    await edit.getByRole('button', { name: 'Enregistrer la campagne' }).click();
    await edit.getByRole('status').getByText(`Campagne « ${world.campaignName} » enregistrée.`).waitFor();
    expect((await db.query(`SELECT objective FROM campaigns WHERE id = $1`, [world.campaignId]))[0].objective).toBe('Donner une visibilité réciproque, Bastina compris.');

    await openPage(page, `${base}/app/campaigns/${world.campaignId}/compose`, 'Nouveau post commun');
    await page.locator(`input[type=checkbox][value="${channel.id}"]`).waitFor();
  });

  it('the public account pages and the open phone menu are readable and accessible at 360 px', async () => {
    const visitor = await browserFor(null);
    for (const [path, heading, name] of [
      ['/app/first-run', 'Première mise en service', 'first-run'],
      ['/app/forgot-password', 'Mot de passe oublié', 'forgot-password'],
      ['/app/reset-password?token=not-a-real-token', 'Nouveau mot de passe', 'reset-password'],
    ] as const) {
      await openPage(visitor, `${base}${path}`, heading);
      await screenshots(visitor, name);
    }
    const page = await browserFor(world.users.manager);
    await page.setViewportSize(NARROW);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Utilisateurs' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await horizontalOverflow(page)).overflow).toBe(0);
  });

  it('a manager composes a joint post, sees a validation error, fixes it and submits it', async () => {
    const page = await browserFor(world.users.manager);
    await openPage(page, `${base}/app/campaigns/${world.campaignId}/compose`, 'Nouveau post commun');

    const [a, b] = world.partners;
    await page.locator(`input[type=checkbox]`).nth(0).waitFor();
    await checkChannel(page, world.operator.xChannelId);
    await checkChannel(page, a!.channelId);
    await checkChannel(page, b!.channelId);

    const long = 'Cette semaine, le CoSto Pack vous emmène à la rencontre des commerçants du 18e arrondissement, de leurs boutiques et de leurs histoires. ';
    await page.getByLabel('Texte commun', { exact: true }).fill(`${long}${long}Avec `);
    await page.getByLabel('Mentionner un partenaire').selectOption(a!.slug);
    await page.getByRole('button', { name: 'Insérer la mention' }).click();
    await expectValue(page, 'Texte commun', `{{partner:${a!.slug}}}`);

    // The X preview counts as X does and shows the same problem the API would give.
    const xPreview = page.locator(`[data-channel="${world.operator.xChannelId}"]`);
    await xPreview.getByText(/X compte \d+ caractères sur 280/).waitFor();
    expect(await xPreview.locator('.counter').getAttribute('class')).toContain('over');
    // The sandbox preview shows A's mention resolved to its handle.
    await page.locator(`[data-channel="${a!.channelId}"] .preview-text`).getByText(`@${a!.slug}`).waitFor();
    await screenshots(page, 'composer-error');

    await page.getByRole('button', { name: 'Envoyer pour approbation' }).click();
    await page.getByText(/À corriger avant l’envoi/).waitFor();
    const before = await db.query(`SELECT count(*)::int AS n FROM posts WHERE campaign_id = $1`, [world.campaignId]);
    expect(before[0].n).toBe(1); // only the fixture's published post: nothing was sent

    // Fix: a short text for X only.
    await page.getByText('Texte spécifique pour X').click();
    await page.getByLabel(/Texte pour X/).fill(`Le CoSto Pack dans le 18e avec {{partner:${b!.slug}}} !`);
    await page.locator('.preview.has-problems').first().waitFor({ state: 'detached' });
    await screenshots(page, 'composer');

    // The date is checked before sending, in French, once: past, skipped by the clock, shown twice.
    const when = page.getByLabel(/Date et heure de publication/);
    await when.fill('2020-01-06T10:00');
    await page.getByText(/Cette date est déjà passée/).waitFor();
    expect(await page.getByText(/Cette date est déjà passée/).count()).toBe(1);
    await when.fill('2027-03-28T02:30'); // Paris springs forward from 02:00 to 03:00
    await page.getByText(/Cette heure n’existe pas ce jour-là/).waitFor();
    await when.fill('2027-10-31T02:30'); // Paris falls back from 03:00 to 02:00
    const choices = page.getByTestId('ambiguous-time');
    await choices.getByLabel(/02:30 la première fois, à l’heure d’été \(UTC\+2\)/).waitFor();
    await page.getByRole('button', { name: 'Envoyer pour approbation' }).click();
    await page.getByText('La date de publication est à corriger (voir sous le champ).').waitFor();
    expect((await db.query(`SELECT count(*)::int AS n FROM posts WHERE campaign_id = $1`, [world.campaignId]))[0].n).toBe(1);
    await screenshots(page, 'composer-ambiguous-time');
    await choices.getByLabel(/02:30 la seconde fois, à l’heure d’hiver \(UTC\+1\)/).check();
    expect(await page.innerText('main')).not.toMatch(/ must | should |Invalid|is in the past/);

    await page.getByRole('button', { name: 'Envoyer pour approbation' }).click();
    await page.waitForURL(/\/app\/posts\/[0-9a-f-]{36}/);
    await page.getByText('Post envoyé').waitFor();
    postId = /posts\/([0-9a-f-]{36})/.exec(page.url())![1]!;

    const [post] = await db.query(`SELECT submitted_at, base_text, scheduled_at FROM posts WHERE id = $1`, [postId]);
    expect(post.submitted_at).not.toBeNull();
    expect((post.scheduled_at as Date).toISOString()).toBe('2027-10-31T01:30:00.000Z'); // the second 02:30, UTC+1
    expect(post.base_text).toContain(`{{partner:${a!.slug}}}`);
    const deliveries = await db.query(
      `SELECT d.channel_id, d.status, d.resolved_text FROM deliveries d WHERE d.post_id = $1`,
      [postId],
    );
    const byChannel = Object.fromEntries(deliveries.map((d: { channel_id: string }) => [d.channel_id, d]));
    expect(byChannel[a!.channelId].status).toBe('pending_approval');
    expect(byChannel[b!.channelId].status).toBe('pending_approval');
    // B has no X account: on X its mention is its name, exactly as the preview showed.
    expect(byChannel[world.operator.xChannelId].resolved_text).toBe(`Le CoSto Pack dans le 18e avec ${b!.name} !`);
    await screenshots(page, 'post-awaiting');
  });

  it('partner A approves from its inbox, seeing exactly what goes out on its account', async () => {
    expect(postId).toBeDefined();
    const page = await browserFor(world.users.partnerA);
    await page.goto(`${base}/app/inbox`);
    const item = page.locator(`[data-post="${postId}"]`);
    await item.getByText(`@${world.partners[0]!.slug}`).first().waitFor();
    // Only A's own account is shown.
    expect(await item.locator('.preview').count()).toBe(1);
    await screenshots(page, 'inbox');

    // Rejecting needs a comment: the form says so instead of sending.
    await item.getByRole('button', { name: 'Refuser' }).click();
    await item.getByText('le commentaire est obligatoire pour refuser').waitFor();

    await item.getByRole('button', { name: 'Approuver' }).click();
    await page.getByText('Merci : votre approbation est enregistrée.').waitFor();
    await page.getByRole('heading', { name: /En attente de votre décision \(0\)/ }).waitFor();
    await page.getByRole('cell', { name: 'Approuvé' }).first().waitFor();
    await screenshots(page, 'inbox-after');

    const rows = await db.query(`SELECT decision, via FROM approvals WHERE post_id = $1 AND partner_id = $2`, [postId, world.partners[0]!.id]);
    expect(rows).toEqual([{ decision: 'approved', via: 'login' }]);
  });

  it('partner B approves from a link, without an account', async () => {
    expect(postId).toBeDefined();
    const links = (await world.manager.get(`/api/posts/${postId}/approval-links`).expect(200)).body as Array<{ partnerId: string; url: string }>;
    const link = links.find((l) => l.partnerId === world.partners[1]!.id);
    expect(link).toBeDefined();
    const path = new URL(link!.url, base).pathname;

    const page = await browserFor(null);
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { name: 'Approbation d’un post' }).waitFor();
    // B's account gets the common text, with A's mention resolved to A's handle.
    await page.locator('.preview-text').getByText(`Avec @${world.partners[0]!.slug}`).waitFor();
    await screenshots(page, 'approval-link');
    await page.getByRole('button', { name: 'Approuver' }).click();
    await page.getByText('Merci : votre approbation est enregistrée.').waitFor();

    const rows = await db.query(`SELECT decision, via FROM approvals WHERE post_id = $1 AND partner_id = $2`, [postId, world.partners[1]!.id]);
    expect(rows).toEqual([{ decision: 'approved', via: 'link' }]);
  });

  it('a refusal leads somewhere: the manager sees it, moves the post, the partner is asked again and approves; a partner changes its mind; the manager asks again', async () => {
    const [a, b] = world.partners;
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const created = (
      await world.manager
        .post(`/api/campaigns/${world.campaignId}/posts`)
        .send({ baseText: 'La fête du quartier revient samedi !', channelIds: [a!.channelId, b!.channelId], scheduledAt: `${inDays(5)}T10:00` })
        .expect(201)
    ).body as { id: string };
    await world.manager.post(`/api/posts/${created.id}/submit`).expect(200);

    // Partner A refuses from its inbox, with a comment.
    const partner = await browserFor(world.users.partnerA);
    await partner.goto(`${base}/app/inbox`);
    const item = partner.locator(`[data-post="${created.id}"]`);
    await item.getByLabel('Commentaire').fill('Samedi nous sommes fermés : plutôt dimanche.');
    await item.getByRole('button', { name: 'Refuser' }).click();
    await partner.getByText('Votre refus et votre commentaire ont été transmis au community manager.').waitFor();

    // The manager sees the refusal on the home page, then on the post: refused, not "waiting".
    const page = await browserFor(world.users.manager);
    const refusals = page.getByTestId('refusals');
    await refusals.getByText(/Samedi nous sommes fermés/).waitFor();
    await screenshots(page, 'home-refusals');
    await refusals.locator(`a[href="/app/posts/${created.id}"]`).click();
    await page.getByTestId('refused-note').waitFor();
    expect(await page.getByText(`En attente de l’approbation de ${a!.name}`).count()).toBe(0);
    await screenshots(page, 'post-refused');

    // Moving the post (the date only) asks A again.
    await page.getByRole('link', { name: 'Modifier le post' }).click();
    await page.getByRole('heading', { name: 'Modifier le post' }).waitFor();
    await page.getByLabel(/Date et heure de publication/).fill(`${inDays(6)}T10:00`);
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Date de publication modifiée.').waitFor();
    await page.getByTestId('approval-state').locator(`[data-partner="${a!.id}"][data-state="pending"]`).waitFor();

    await partner.goto(`${base}/app/inbox`);
    await item.getByRole('button', { name: 'Approuver' }).click();
    await partner.getByText('Merci : votre approbation est enregistrée.').waitFor();
    // Until the minute, A may change its mind.
    const changeable = partner.locator(`[data-changeable="${created.id}"]`);
    await screenshots(partner, 'inbox-changeable');
    await changeable.getByLabel('Commentaire').fill('Finalement, pas cette semaine.');
    await changeable.getByRole('button', { name: 'Finalement, refuser' }).click();
    await partner.getByText('Votre refus et votre commentaire ont été transmis au community manager.').waitFor();
    expect((await db.query(`SELECT status FROM deliveries WHERE post_id = $1 AND channel_id = $2`, [created.id, a!.channelId]))[0].status).toBe('pending_approval');

    // The manager asks A again from the post page.
    await page.reload();
    await page.getByRole('button', { name: `Redemander l’approbation à ${a!.name}` }).click();
    await page.getByText(`${a!.name} est sollicité à nouveau`).waitFor();
    await page.getByTestId('approval-state').locator(`[data-partner="${a!.id}"][data-state="pending"]`).waitFor();
    await partner.goto(`${base}/app/inbox`);
    await item.getByRole('button', { name: 'Approuver' }).click();
    await partner.getByText('Merci : votre approbation est enregistrée.').waitFor();
    expect(['approved', 'queued']).toContain((await db.query(`SELECT status FROM deliveries WHERE post_id = $1 AND channel_id = $2`, [created.id, a!.channelId]))[0].status);
    await world.manager.post(`/api/posts/${created.id}/cancel`).expect(200);
  });

  it('the manager sees the post, the calendar (month and week) and the channels needing re-authorisation', async () => {
    const page = await browserFor(world.users.manager);
    await page.goto(`${base}/app/posts/${postId}`);
    await page.getByRole('heading', { name: /Publications par compte \(3\)/ }).waitFor();
    await screenshots(page, 'post');

    await page.goto(`${base}/app/campaigns/${world.campaignId}`);
    await page.locator('.cal-post.status-published').first().waitFor();
    await page.locator('.cal-action').first().waitFor();
    await screenshots(page, 'calendar-month');
    await page.getByRole('button', { name: 'Semaine', exact: true }).click();
    await page.getByRole('heading', { name: /Semaine du/ }).waitFor();
    await screenshots(page, 'calendar-week');

    const ics = await page.request.get(`${base}/api/campaigns/${world.campaignId}/calendar.ics`);
    expect(ics.status()).toBe(200);
    const body = await ics.text();
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(body).toContain(`UID:post-${postId}@`);

    await page.goto(`${base}/app/channels`);
    await page.getByRole('button', { name: /Reconnecter Sandbox/ }).waitFor();
    await screenshots(page, 'channels');
  });

  it('a reviewer opens the indicators and the charts render with data', async () => {
    const page = await browserFor(world.users.reviewer);
    await openPage(page, `${base}/app/campaigns/${world.campaignId}/indicators`, 'Indicateurs de résultats');
    await page.locator('#chart-growth').waitFor();

    // Something was drawn on both canvases, not just an empty frame.
    for (const id of ['chart-growth', 'chart-lift']) {
      // Counted in the page (a string, since these tests compile without DOM types).
      const painted = await page.evaluate<number>(`(() => {
        const canvas = document.getElementById(${JSON.stringify(id)});
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      })()`);
      expect(painted).toBeGreaterThan(2000);
    }
    const newFollowers = await page.getByTestId('kpi-new-followers').innerText();
    expect(Number(newFollowers.replace(/[^\d-]/g, ''))).toBeGreaterThan(0);
    // The reciprocity heat map shows A and B carrying each other.
    expect(await page.locator('[data-testid="heatmap"] td:not(:empty)').count()).toBeGreaterThan(0);
    await screenshots(page, 'indicators');

    // Another period: the figures and the CSV follow it, and the address keeps it.
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Du', { exact: true }).fill(day(-10));
    await page.getByLabel('Au (inclus)').fill(day(-1));
    await page.getByRole('button', { name: 'Afficher cette période' }).click();
    await page.waitForURL(new RegExp(`indicators\\?from=${day(-10)}&to=${day(-1)}$`));
    await page.locator('#chart-growth').waitFor();
    expect(await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href')).toContain(`?from=${day(-10)}&to=${day(-1)}`);
    await page.getByRole('link', { name: 'Toute la campagne' }).click();
    await page.waitForURL(/indicators$/);

    const csvHref = await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href');
    const csv = await page.request.get(`${base}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    // Output indicators: a row per track and the total, and the funder's PDF report downloads.
    const outputs = page.getByTestId('outputs-table');
    await outputs.waitFor();
    expect(await outputs.locator('tbody tr').count()).toBeGreaterThan(0);
    const pdfHref = await page.getByRole('link', { name: 'Rapport au financeur (PDF)' }).getAttribute('href');
    const pdf = await page.request.get(`${base}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Result indicators' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('partner A records new customers and sees its records and totals', async () => {
    const page = await browserFor(world.users.partnerA);
    await page.getByRole('link', { name: 'Nouveaux clients' }).first().click();
    await page.getByRole('heading', { name: 'Nouveaux clients', level: 1 }).waitFor();
    // A partner records for its own partner: no partner to pick.
    expect(await page.getByLabel('Partenaire', { exact: true }).count()).toBe(0);
    await page.getByLabel('Nombre de nouveaux clients').fill('3');
    await page.getByLabel('Chèque CoSto').check();
    await page.getByLabel('Note (facultatif)').fill('Venus avec le chèque du CoSto Pack');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText(/Enregistré : 3 nouveau\(x\) client\(s\)/).waitFor();
    await page.locator('[data-testid="customers-records"]').getByText('Venus avec le chèque du CoSto Pack').waitFor();
    expect(await page.getByTestId('customers-own-total').locator('.kpi-value').innerText()).toBe('3');

    await page.getByLabel('Nombre de nouveaux clients').fill('2');
    await page.getByLabel('Lien de la campagne').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText(/Enregistré : 2 nouveau\(x\) client\(s\)/).waitFor();
    // Locators, not string predicates: the pages' CSP forbids evaluating strings.
    await page.getByTestId('customers-own-total').locator('.kpi-value').getByText('5', { exact: true }).waitFor();
    await screenshots(page, 'customers');

    const rows = await db.query(
      `SELECT count, source, note FROM conversions WHERE campaign_id = $1 AND partner_id = $2 ORDER BY count DESC`,
      [world.campaignId, world.partners[0]!.id],
    );
    expect(rows).toEqual([
      { count: 3, source: 'costo_cheque', note: 'Venus avec le chèque du CoSto Pack' },
      { count: 2, source: 'link', note: '' },
    ]);
  });

  it('a manager edits the text of an approved post: version 2 goes back to the partners', async () => {
    expect(postId).toBeDefined();
    const page = await browserFor(world.users.manager);
    await openPage(page, `${base}/app/posts/${postId}`, /Post du/);
    // Both partners approved version 1; the manager sees who decided what.
    const state = page.getByTestId('approval-state');
    await state.getByRole('heading', { name: 'Approbations de la version 1' }).waitFor();
    await state.locator(`[data-partner="${world.partners[0]!.id}"][data-state="approved"]`).waitFor();
    await page.getByTestId('approval-history').getByText('par lien').waitFor();
    await screenshots(page, 'post-approvals');

    await page.getByRole('link', { name: 'Modifier le post' }).click();
    await page.getByRole('heading', { name: 'Modifier le post' }).waitFor();
    await page.getByTestId('edit-notice').getByText(/version 2 sera envoyée/).waitFor();
    await page.getByLabel('Texte commun', { exact: true }).fill(`Nouvelle version : le CoSto Pack avec {{partner:${world.partners[0]!.slug}}} !`);
    await screenshots(page, 'post-edit');
    await page.getByRole('button', { name: 'Enregistrer et redemander l’approbation' }).click();

    await page.waitForURL(new RegExp(`/app/posts/${postId}\\?edited=2`));
    await page.getByText('Post modifié : version 2. Les partenaires concernés ont été sollicités à nouveau.').waitFor();
    await page.getByTestId('post-version').getByText('version 2').waitFor();
    await state.getByRole('heading', { name: 'Approbations de la version 2' }).waitFor();
    await state.locator(`[data-partner="${world.partners[0]!.id}"][data-state="pending"]`).waitFor();
    await page.getByTestId('approval-links').waitFor();
    await screenshots(page, 'post-edited');

    const [post] = await db.query(`SELECT version, base_text FROM posts WHERE id = $1`, [postId]);
    expect(post.version).toBe(2);
    expect(post.base_text).toContain('Nouvelle version');
    const deliveries = await db.query(`SELECT d.status, d.post_version FROM deliveries d JOIN channels c ON c.id = d.channel_id WHERE d.post_id = $1 AND c.partner_id = $2`, [
      postId,
      world.partners[0]!.id,
    ]);
    expect(deliveries).toEqual([{ status: 'pending_approval', post_version: 2 }]);

    // Partner A is asked again: the post is back in its inbox, with the new text.
    const partner = await browserFor(world.users.partnerA);
    await partner.goto(`${base}/app/inbox`);
    await partner.locator(`[data-post="${postId}"]`).getByText(`Nouvelle version : le CoSto Pack avec @${world.partners[0]!.slug} !`).waitFor();
  });

  it('a manager cancels a post', async () => {
    expect(postId).toBeDefined();
    const page = await browserFor(world.users.manager);
    await openPage(page, `${base}/app/posts/${postId}`, /Post du/);
    await page.getByRole('button', { name: 'Annuler le post' }).click();
    await page.getByText('Annuler ce post ? Rien ne sera publié').waitFor();
    await page.getByRole('button', { name: 'Oui, annuler le post' }).click();
    await page.getByText(/Post annulé : 3 publication\(s\) prévue\(s\) ne partiront pas\./).waitFor();
    await page.getByTestId('post-cancelled').waitFor();
    expect(await page.getByRole('link', { name: 'Modifier le post' }).count()).toBe(0);
    await screenshots(page, 'post-cancelled');

    const rows = await db.query(`SELECT DISTINCT status FROM deliveries WHERE post_id = $1`, [postId]);
    expect(rows).toEqual([{ status: 'cancelled' }]);
    const [post] = await db.query(`SELECT cancelled_at FROM posts WHERE id = $1`, [postId]);
    expect(post.cancelled_at).not.toBeNull();
  });

  it('a manager reconnects an account, pauses and resumes another, and retries a failed publication', async () => {
    const page = await browserFor(world.users.manager);
    await openPage(page, `${base}/app/channels`, 'Comptes des partenaires');
    const c = world.partners[2]!;
    await page.getByRole('button', { name: /Reconnecter Sandbox/ }).click();
    await page.getByLabel('Nouveau jeton d’accès').fill('new-token-after-revocation');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Identifiants enregistrés : le compte est de nouveau actif.').waitFor();
    const [reconnected] = await db.query(`SELECT status FROM channels WHERE id = $1`, [c.channelId]);
    expect(reconnected.status).toBe('active');

    const b = world.partners[1]!;
    const bRow = page.locator('li.channel-row', { hasText: `@${b.slug}` });
    await bRow.getByRole('button', { name: /Mettre en pause/ }).click();
    await bRow.locator('.badge', { hasText: 'En pause' }).waitFor();
    expect((await db.query(`SELECT status FROM channels WHERE id = $1`, [b.channelId]))[0].status).toBe('paused');
    await screenshots(page, 'channels-controls');
    await bRow.getByRole('button', { name: /Reprendre/ }).click();
    await bRow.locator('.badge', { hasText: 'Actif' }).waitFor();
    expect((await db.query(`SELECT status FROM channels WHERE id = $1`, [b.channelId]))[0].status).toBe('active');

    // A failed publication (the network was down) goes back to the queue from the post page.
    const [failed] = await db.query(
      `UPDATE deliveries d SET status = 'failed', error_kind = 'transient', error_message = 'HTTP 503', published_at = NULL, external_url = NULL
         FROM channels c WHERE c.id = d.channel_id AND c.partner_id = $1 AND d.post_id IN (SELECT id FROM posts WHERE campaign_id = $2 AND cancelled_at IS NULL)
       RETURNING d.id, d.post_id`,
      [b.id, world.campaignId],
    ).then(([rows]: [Array<{ id: string; post_id: string }>]) => rows);
    expect(failed).toBeDefined();
    await openPage(page, `${base}/app/posts/${failed.post_id}`, /Post du/);
    const delivery = page.locator(`[data-delivery="${failed.id}"]`);
    await delivery.getByText('Le réseau n’a pas répondu').waitFor();
    await screenshots(page, 'post-failed');
    await delivery.getByRole('button', { name: 'Réessayer cette publication' }).click();
    await page.getByText('Publication remise dans la file').waitFor();
    const [retried] = await db.query(`SELECT status, attempts, error_kind FROM deliveries WHERE id = $1`, [failed.id]);
    expect(['approved', 'publishing', 'published']).toContain(retried.status);
    expect(retried.error_kind === null || retried.status === 'published').toBe(true);
  });
});

async function openPage(page: Page, url: string, heading: string | RegExp): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: heading }).waitFor().catch(async (e) => {
    // What the page showed instead, to tell a broken page from a slow one.
    console.error(`${page.url()} showed:\n${await page.innerText('body')}`);
    throw e;
  });
}

async function checkChannel(page: Page, channelId: string): Promise<void> {
  await page.locator(`input[type=checkbox][value="${channelId}"]`).check();
}

async function expectValue(page: Page, label: string, contains: string): Promise<void> {
  // Polled through the locator (the pages' CSP forbids string predicates), for up to ~10 s.
  const input = page.getByLabel(label, { exact: true });
  for (let i = 0; i < 100 && !(await input.inputValue()).includes(contains); i++) await page.waitForTimeout(100);
  expect(await input.inputValue()).toContain(contains);
}
