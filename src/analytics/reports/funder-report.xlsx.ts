import ExcelJS from 'exceljs';
import { FunderReport } from './funder-report.service';

/**
 * The funder's report as a workbook: one row per figure (section, track, objective, kind,
 * indicator, value, unit, window, source, note), values as numbers so a spreadsheet can sum them;
 * an empty value cell with "non disponible" in the text column where the network gives nothing.
 */
export async function renderFunderReportXlsx(report: FunderReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Chorus';
  wb.created = new Date(report.generatedAt);
  const ws = wb.addWorksheet('Rapport');
  ws.columns = [
    { header: 'Section', key: 'section', width: 28 },
    { header: 'Objectif', key: 'objective', width: 40 },
    { header: 'Type', key: 'kind', width: 14 },
    { header: 'Indicateur', key: 'label', width: 40 },
    { header: 'Valeur', key: 'value', width: 14 },
    { header: 'Valeur (texte)', key: 'text', width: 18 },
    { header: 'Unité', key: 'unit', width: 14 },
    { header: 'Période', key: 'window', width: 40 },
    { header: 'Source', key: 'source', width: 60 },
    { header: 'Note', key: 'note', width: 60 },
  ];
  ws.getRow(1).font = { bold: true };
  ws.addRow({ section: 'Campagne', objective: report.campaign.objective, kind: 'objectif directeur', label: report.campaign.name, window: report.window.label });
  for (const s of [report.overall, ...report.tracks]) {
    const section = s === report.overall ? s.title : `Axe : ${s.title}`;
    for (const p of s.plannedOutputIndicators) ws.addRow({ section, objective: s.objective, kind: 'réalisation', label: p, text: 'indicateur du plan' });
    for (const p of s.plannedResultIndicators) ws.addRow({ section, objective: s.objective, kind: 'résultat', label: p, text: 'indicateur du plan' });
    for (const [kind, figures] of [['réalisation', s.outputFigures], ['résultat', s.resultFigures]] as const) {
      for (const f of figures) {
        ws.addRow({ section, objective: s.objective, kind, label: f.label, value: f.value, text: f.text, unit: f.unit, window: f.window, source: f.source, note: f.note });
      }
    }
  }
  const notes = wb.addWorksheet('Notes');
  for (const n of report.notes) notes.addRow([n]);
  notes.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
