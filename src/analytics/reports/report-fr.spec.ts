import { frenchReport } from './report-fr';
import { toCsv } from './csv';

describe('the French form of the funder report', () => {
  it('writes semicolons, decimal commas, rounded figures, French words, partner names and Paris times', () => {
    const body = frenchReport(
      [
        { section: 'partner', track: '', partner: 'bastina', scope: 'all channels', indicator: 'expected growth from baseline trend', value: 259.2, unit: 'followers', source: 'campaign plan', note: 'x', noteFr: 'attendu, environ' },
        { section: 'campaign', track: '', partner: '', scope: 'campaign', indicator: 'follower growth', value: 12.345, unit: '%', source: 'campaign plan', note: '' },
        { section: 'partner', track: '', partner: 'bastina', scope: 'partner', indicator: 'lift over baseline trend', value: -3.6, unit: 'followers', source: 'campaign plan', note: '' },
      ],
      { from: '2026-12-01T23:00:00.000Z', to: '2026-12-07T10:30:00.000Z', timeZone: 'Europe/Paris', partnerName: (slug) => (slug === 'bastina' ? 'Bastina' : slug) },
    );
    const lines = body.trim().split('\r\n');
    expect(lines[0]).toBe('Partie;Axe;Partenaire;Périmètre;Indicateur;Valeur;Unité;Du;Au;Source des données;Note');
    expect(lines[1]).toBe('Partenaire;;Bastina;tous ses comptes;croissance attendue selon la tendance de référence;259;abonnés;02/12/2026 00:00;07/12/2026 11:30;plan de la campagne;attendu, environ');
    expect(lines[2].split(';')[5]).toBe('12,3');
    expect(lines[3].split(';')[5]).toBe('-4'); // a negative figure, not defused as a formula
  });

  it('still defuses formulas and quotes the separator', () => {
    expect(toCsv([['=SUM(A1)', 'a;b', '-1,5']], ';')).toBe(`'=SUM(A1);"a;b";-1,5\r\n`);
  });
});
