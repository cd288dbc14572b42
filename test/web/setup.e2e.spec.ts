import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { uniqueSlug } from '../support/builders';
import { createTestApp, createUser, type TestApp } from '../support/test-app';
import { ensureChromium, ensureWebBuild, openBrowser, screenshots, type Browser } from './browser';

// A whole user journey in a real browser: allow for a slow, shared CI machine.
jest.setTimeout(180_000);

const DAY = 86_400_000;
/** 'YYYY-MM-DDTHH:mm' `days` from today, as a datetime-local input takes it. */
const localTime = (days: number, hhmm: string) => `${new Date(Date.now() + days * DAY).toISOString().slice(0, 10)}T${hhmm}`;

/**
 * The manager's "Mise en place" page: everything DESIGN.md says the community manager creates
 * (partner, account, campaign, track, action), through the forms, with the API's errors shown.
 */
describe('setup page (browser)', () => {
  let t: TestApp;
  let base: string;
  // Only a manager: other browser tests count what their own world shows (e.g. accounts to reconnect).
  let manager: { email: string; password: string };
  let db: DataSource;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureChromium();
    ensureWebBuild();
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    db = t.app.get(DataSource);
    manager = await createUser(t.app, 'manager');
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await t?.close();
  });

  async function signIn(): Promise<Page> {
    browser = await openBrowser();
    const { page } = browser;
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await page.goto(`${base}/app/login`);
    await page.getByLabel('Adresse e-mail').fill(manager.email);
    await page.getByLabel('Mot de passe').fill(manager.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Campagnes', level: 1 }).waitFor();
    return page;
  }

  it('a manager creates a partner, its sandbox account, a campaign, a track and an action', async () => {
    const page = await signIn();
    // Reachable from the home page and from the navigation.
    await page.getByRole('link', { name: /Mise en place : partenaires/ }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Mise en place' }).click();
    await page.getByRole('heading', { name: 'Mise en place', level: 1 }).waitFor();

    const partnerSlug = uniqueSlug('quartier');
    const partnerName = `Quartier ${partnerSlug.slice(-8)}`;
    const partnerForm = page.locator('section[aria-labelledby="setup-partner"]');

    // 1. A bad slug: the slug's problem is told once, in French, under the field; the form's alert
    // only points there; nothing is created.
    await partnerForm.getByLabel('Nom du partenaire').fill(partnerName);
    await partnerForm.getByLabel(/^Identifiant/).fill('Mauvais Slug!');
    await partnerForm.getByLabel('Type').selectOption('association');
    await partnerForm.getByRole('button', { name: 'Créer le partenaire' }).click();
    await partnerForm.getByRole('alert').getByText('Corrigez les champs signalés ci-dessus.').waitFor();
    await partnerForm.locator('#partner-slug-err').getByText('minuscules, chiffres et tirets seulement, sans espace ni accent').waitFor();
    expect(await partnerForm.getByText(/minuscules, chiffres et tirets seulement/).count()).toBe(1);
    expect(await page.innerText('main')).not.toMatch(/ must | should /);
    expect(await partnerForm.getByLabel(/^Identifiant/).getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, 'setup-error');
    expect((await db.query(`SELECT count(*)::int AS n FROM partners WHERE name = $1`, [partnerName]))[0].n).toBe(0);

    await partnerForm.getByLabel(/^Identifiant/).fill(partnerSlug);
    await partnerForm.getByRole('button', { name: 'Créer le partenaire' }).click();
    await partnerForm.getByRole('status').getByText(`Partenaire « ${partnerName} » créé.`).waitFor();

    // 2. A sandbox account for it (the partner list reloaded after the creation).
    const channelForm = page.locator('section[aria-labelledby="setup-channel"]');
    await channelForm.getByLabel('Partenaire', { exact: true }).selectOption({ label: partnerName });
    await channelForm.getByLabel('Réseau', { exact: true }).selectOption('sandbox');
    await channelForm.getByLabel(/^Nom du compte/).fill(`@${partnerSlug}`);
    await channelForm.getByLabel('Identifiant du compte sur le réseau').fill(`sbx-${partnerSlug}`);
    await channelForm.getByLabel('Jeton d’accès (facultatif)').fill('sandbox-token');
    await channelForm.getByRole('button', { name: 'Ajouter le compte' }).click();
    await channelForm.getByRole('status').getByText(`Compte @${partnerSlug} ajouté.`).waitFor();

    // 3. A campaign with it as member and operator.
    const campaignSlug = uniqueSlug('printemps');
    const campaignName = `Printemps ${campaignSlug.slice(-8)}`;
    const start = localTime(10, '09:00');
    const end = localTime(40, '18:00');
    const campaignForm = page.locator('section[aria-labelledby="setup-campaign"]');
    await campaignForm.getByLabel('Nom de la campagne').fill(campaignName);
    await campaignForm.getByLabel(/^Identifiant de la campagne/).fill(campaignSlug);
    await campaignForm.getByLabel('Objectif').fill('Faire connaître les commerces du quartier.');
    await campaignForm.getByLabel('Début (heure de Paris)').fill(start);
    await campaignForm.getByLabel('Fin (heure de Paris)').fill(end);
    await campaignForm.getByRole('group', { name: 'Partenaires membres' }).getByLabel(partnerName).check();
    await campaignForm.getByLabel('Partenaire opérateur (facultatif)').selectOption({ label: partnerName });
    await campaignForm.getByRole('button', { name: 'Créer la campagne' }).click();
    await campaignForm.getByRole('status').getByText(`Campagne « ${campaignName} » créée.`).waitFor();

    // 4. A track, then an action on it.
    await page.getByLabel('Campagne', { exact: true }).selectOption({ label: campaignName });
    const trackForm = page.locator('section[aria-labelledby="setup-track"]');
    await trackForm.getByLabel('Nom de l’axe').fill('Commerces de proximité');
    await trackForm.getByLabel('Objectif de l’axe').fill('Plus de visites en boutique.');
    await trackForm.getByLabel(/^Indicateurs de réalisation/).fill('Posts publiés\nVisites guidées');
    await trackForm.getByLabel(/^Indicateurs de résultat/).fill('Nouveaux abonnés');
    await trackForm.getByRole('group', { name: 'Partenaires pilotes' }).getByLabel(partnerName).check();
    await trackForm.getByRole('button', { name: 'Ajouter l’axe' }).click();
    await trackForm.getByRole('status').getByText('Axe « Commerces de proximité » ajouté.').waitFor();

    const actionForm = page.locator('section[aria-labelledby="setup-action"]');
    const occurs = localTime(15, '10:30');
    await actionForm.getByLabel('Titre de l’action').fill('Balade des commerçants');
    await actionForm.getByLabel('Date et heure (heure de Paris)').fill(occurs);
    await actionForm.locator('#action-track option', { hasText: 'Commerces de proximité' }).waitFor({ state: 'attached' });
    await actionForm.getByLabel('Axe (facultatif)').selectOption({ label: 'Commerces de proximité' });
    await actionForm.getByRole('button', { name: 'Ajouter l’action' }).click();
    await actionForm.getByRole('status').getByText('Action « Balade des commerçants » ajoutée.').waitFor();
    await screenshots(page, 'setup');

    // The rows exist, as typed.
    const [partner] = await db.query(`SELECT id, name, kind FROM partners WHERE slug = $1`, [partnerSlug]);
    expect(partner).toMatchObject({ name: partnerName, kind: 'association' });
    const channels = await db.query(`SELECT network, handle, external_id FROM channels WHERE partner_id = $1`, [partner.id]);
    expect(channels).toEqual([{ network: 'sandbox', handle: `@${partnerSlug}`, external_id: `sbx-${partnerSlug}` }]);
    const [campaign] = await db.query(
      `SELECT id, name, time_zone, operator_partner_id,
              to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI') AS starts,
              to_char(ends_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI') AS ends
         FROM campaigns WHERE slug = $1`,
      [campaignSlug],
    );
    expect(campaign).toMatchObject({ name: campaignName, time_zone: 'Europe/Paris', operator_partner_id: partner.id, starts: start, ends: end });
    expect(await db.query(`SELECT partner_id FROM campaign_partners WHERE campaign_id = $1`, [campaign.id])).toEqual([{ partner_id: partner.id }]);
    const [track] = await db.query(`SELECT id, output_indicators, result_indicators FROM tracks WHERE campaign_id = $1 AND name = $2`, [
      campaign.id,
      'Commerces de proximité',
    ]);
    expect(track).toMatchObject({ output_indicators: ['Posts publiés', 'Visites guidées'], result_indicators: ['Nouveaux abonnés'] });
    expect(await db.query(`SELECT partner_id, role FROM track_partners WHERE track_id = $1`, [track.id])).toEqual([{ partner_id: partner.id, role: 'leader' }]);
    const actions = await db.query(
      `SELECT track_id, to_char(occurs_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI') AS occurs FROM actions WHERE campaign_id = $1 AND title = $2`,
      [campaign.id, 'Balade des commerçants'],
    );
    expect(actions).toEqual([{ track_id: track.id, occurs }]);
  });
});
