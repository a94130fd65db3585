import { parentPort, workerData } from "node:worker_threads";
import { officeParts, officeText } from "./office.ts";

// The extraction worker (started by isolated.ts through extract-worker.mjs): reads one file's text, and a PDF's
// first page, from the bytes it is handed, and posts each result as soon as it has it. It runs under a heap
// cap and a clock; a hostile file that exhausts either kills this worker only.

/** What the worker is handed. */
export interface ExtractTask {
  mime: string;
  bytes: Uint8Array;
  /** Characters of text kept at most. */
  characters: number;
  /** Also draw a PDF's first page. */
  page: boolean;
}

/** What it posts: that its code is loaded (the clock starts then), the text, then (for a PDF, when asked) the first page as a PNG. */
export type ExtractMessage = { ready: true } | { text: string | null } | { page: Uint8Array | null };

const task = workerData as ExtractTask;
const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
const post = (message: ExtractMessage) => parentPort!.postMessage(message);

if (task.mime === "application/pdf") {
  // Loaded only for PDFs: PDF.js and the canvas are the heavy part.
  const { pdfFirstPage, pdfText } = await import("./pdf.ts");
  post({ ready: true });
  post({ text: await pdfText(bytes).then((text) => text.slice(0, task.characters), () => null) });
  if (task.page) post({ page: await pdfFirstPage(bytes).catch(() => null) });
} else {
  post({ ready: true });
  const parts = officeParts[task.mime];
  post({ text: parts ? await officeText(bytes, parts).then((text) => text.slice(0, task.characters), () => null) : null });
}
