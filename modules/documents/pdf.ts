import { createRequire } from "node:module";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

// PDFs read without a browser: pdfjs-dist (Mozilla's PDF.js) for the text and the first page, drawn on
// @napi-rs/canvas. Fonts of the standard 14 come from pdfjs-dist's own folder; nothing is fetched.
const standardFontDataUrl = `${path.join(path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;

/** Pages read for text at most, the first page's width as drawn, and its height at most (a page 1 pt wide and miles long stays small). */
export const pdfLimits = { pages: 50, previewWidth: 800, previewHeight: 3200 };

async function open(bytes: Buffer) {
  return getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, standardFontDataUrl, verbosity: 0 }).promise;
}

/** The text of a PDF's first pages, a line per text run's end of line. */
export async function pdfText(bytes: Buffer): Promise<string> {
  const document = await open(bytes);
  try {
    const pages: string[] = [];
    for (let number = 1; number <= Math.min(document.numPages, pdfLimits.pages); number += 1) {
      const content = await (await document.getPage(number)).getTextContent();
      pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : " ") : "")).join(""));
    }
    return pages.join("\n").replace(/[ \t]+/g, " ").trim();
  } finally {
    await document.destroy();
  }
}

/** The first page as a PNG, pdfLimits.previewWidth wide. */
export async function pdfFirstPage(bytes: Buffer): Promise<Buffer> {
  const document = await open(bytes);
  try {
    const page = await document.getPage(1);
    const unit = page.getViewport({ scale: 1 });
    // The canvas is native memory, outside the worker's heap cap: its size is bounded here.
    const viewport = page.getViewport({ scale: Math.min(4, pdfLimits.previewWidth / unit.width, pdfLimits.previewHeight / unit.height) });
    const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvasContext: context as never, viewport }).promise;
    return await canvas.encode("png");
  } finally {
    await document.destroy();
  }
}
