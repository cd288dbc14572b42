import { spawn } from 'node:child_process';

/**
 * The text of a PDF, extracted by pdf-parse in a plain Node process: pdf.js loads its worker with a
 * dynamic import, which jest's module sandbox does not allow.
 */
export function pdfText(pdf: Buffer): Promise<string> {
  const script = `
    const { PDFParse } = require('pdf-parse');
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', async () => {
      const parsed = await new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) }).getText();
      process.stdout.write(parsed.text);
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pdf-parse exited with ${code}: ${err}`))));
    child.stdin.end(pdf);
  });
}
