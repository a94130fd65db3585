import { randomUUID } from "node:crypto";
import nunjucks from "nunjucks";

/**
 * Pieces of a page that are already bytes (cached stream entries) and go into the response as they are.
 * A template prints a marker for each; ctx.render encodes only the text around the markers. Building
 * one 140 KB string and encoding it cost ~1.8 ms per dashboard (bench/RESULTS.md); copying stored
 * bytes costs a few microseconds. The marker holds a per-page random id, so text a user wrote cannot
 * pose as one.
 */
export class PageBytes {
  private readonly prefix = `<!--agora-bytes:${randomUUID()}:`;
  private readonly pieces: Buffer[][] = [];

  /** A marker to print where these bytes go. */
  place(bytes: Buffer[]): nunjucks.runtime.SafeString {
    this.pieces.push(bytes);
    return new nunjucks.runtime.SafeString(`${this.prefix}${this.pieces.length - 1}-->`);
  }

  /** The rendered page as bytes, each marker replaced by its pieces. */
  assemble(html: string): Buffer {
    if (this.pieces.length === 0) return Buffer.from(html);
    const out: Buffer[] = [];
    let from = 0;
    for (let at = html.indexOf(this.prefix); at !== -1; at = html.indexOf(this.prefix, from)) {
      const end = html.indexOf("-->", at);
      const bytes = this.pieces[Number(html.slice(at + this.prefix.length, end))];
      out.push(Buffer.from(html.slice(from, at)), ...(bytes ?? []));
      from = end + 3;
    }
    out.push(Buffer.from(html.slice(from)));
    return Buffer.concat(out);
  }
}
