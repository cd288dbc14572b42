import PDFDocument from 'pdfkit';
import { FunderReport, ReportFigure, ReportSection } from './funder-report.service';

/** DejaVu Sans from the dejavu-fonts-ttf package: every French character, embedded in the file. */
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** The funder's report as an A4 PDF in French, laid out as the action plan. */
export function renderFunderReportPdf(report: FunderReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Rapport au financeur — ${report.campaign.name}`, Author: 'Chorus', CreationDate: new Date(report.generatedAt) },
    lang: 'fr-FR',
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('bold').fontSize(18).text(`Rapport au financeur — ${report.campaign.name}`);
  doc.moveDown(0.5);
  doc.font('body').fontSize(10).fillColor('#333333');
  doc.text(`Période : ${report.window.label}`);
  doc.text(`Période de référence (tendance) : ${report.window.baseline}`);
  doc.text(`Établi le ${new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(report.generatedAt))}`);
  doc.fillColor('black').moveDown();

  heading(doc, 'Objectif directeur', 14);
  doc.font('body').fontSize(11).text(report.campaign.objective || '—');
  doc.moveDown();

  section(doc, report.overall, false);
  for (const track of report.tracks) section(doc, track, true);

  heading(doc, 'Notes de méthode', 12);
  doc.font('body').fontSize(9);
  for (const note of report.notes) doc.text(`• ${note}`).moveDown(0.2);

  doc.end();
  return done;
}

function heading(doc: PDFKit.PDFDocument, text: string, size: number): void {
  doc.font('bold').fontSize(size).fillColor('black').text(text);
  doc.moveDown(0.3);
}

function section(doc: PDFKit.PDFDocument, s: ReportSection, isTrack: boolean): void {
  heading(doc, isTrack ? `Axe : ${s.title}` : s.title, 14);
  if (isTrack) {
    doc.font('bold').fontSize(11).text('Objectif spécifique : ', { continued: true }).font('body').text(s.objective || '—');
    doc.moveDown(0.5);
  }
  heading(doc, 'Indicateurs de réalisation', 12);
  for (const planned of s.plannedOutputIndicators) doc.font('body').fontSize(10).text(`• ${planned}`);
  if (s.plannedOutputIndicators.length) doc.moveDown(0.3);
  for (const f of s.outputFigures) figure(doc, f);
  doc.moveDown(0.5);
  heading(doc, 'Indicateurs de résultat', 12);
  for (const planned of s.plannedResultIndicators) doc.font('body').fontSize(10).text(`• ${planned}`);
  if (s.plannedResultIndicators.length) doc.moveDown(0.3);
  for (const f of s.resultFigures) figure(doc, f);
  doc.moveDown();
}

function figure(doc: PDFKit.PDFDocument, f: ReportFigure): void {
  const unit = f.value === null || f.unit.startsWith('part') ? '' : ` ${f.unit}`;
  doc.font('bold').fontSize(10).text(`${f.label} : `, { continued: true }).font('body').text(`${f.text}${unit}`);
  doc.fontSize(8).fillColor('#555555').text(`Période : ${f.window}. Source : ${f.source}.${f.note ? ` ${f.note}.` : ''}`);
  doc.fillColor('black').moveDown(0.3);
}
