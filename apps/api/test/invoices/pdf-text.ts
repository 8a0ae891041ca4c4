// Reads a PDF's text back with unpdf (PDF.js). PDF.js ships as ES modules, which Jest's CommonJS
// runtime cannot import, so the extraction runs in a plain node child process.
import { execFile } from 'node:child_process';

const SCRIPT = `
import { extractText, getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { totalPages, text } = await extractText(pdf, { mergePages: true });
process.stdout.write(JSON.stringify({ totalPages, text }));
`;

export function pdfText(pdf: Buffer): Promise<{ totalPages: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT],
      { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`text extraction failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as { totalPages: number; text: string });
      },
    );
    child.stdin?.end(pdf);
  });
}

const PAGES_SCRIPT = `
import { extractText, getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { text } = await extractText(pdf, { mergePages: false });
process.stdout.write(JSON.stringify(text));
`;

/** Each page's text, in order. */
export function pdfPages(pdf: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', PAGES_SCRIPT],
      { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`text extraction failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as string[]);
      },
    );
    child.stdin?.end(pdf);
  });
}

const ITEMS_SCRIPT = `
import { getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const pages = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const content = await (await pdf.getPage(n)).getTextContent();
  pages.push(content.items.filter((item) => item.str.trim() !== '').map((item) => ({ str: item.str, y: item.transform[5] })));
}
process.stdout.write(JSON.stringify(pages));
`;

/** Each page's pieces of text with their baseline's height above the page's bottom edge, in points. */
export function pdfTextItems(pdf: Buffer): Promise<{ str: string; y: number }[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', ITEMS_SCRIPT],
      { cwd: process.cwd(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`text extraction failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as { str: string; y: number }[][]);
      },
    );
    child.stdin?.end(pdf);
  });
}
