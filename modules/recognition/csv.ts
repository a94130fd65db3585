/** One CSV line (RFC 4180 quoting); a cell a spreadsheet would run as a formula (=, +, -, @) gets a leading quote. */
export function csvLine(cells: (string | number)[]): string {
  return `${cells.map((cell) => {
    let text = String(cell);
    if (typeof cell === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(",")}\r\n`;
}
