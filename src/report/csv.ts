// CSV cells and records as RFC 4180 writes them, with spreadsheet formula injection defused.

/**
 * A cell starting with one of these is run as a formula by Excel, LibreOffice and Google
 * Sheets (OWASP "CSV Injection"): such text cells get a leading apostrophe.
 */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell. Strings that would start a formula get a leading `'`; a cell holding a comma,
 * quote, CR or LF is quoted with quotes doubled (RFC 4180 section 2). Numbers are written as
 * they are (a negative score stays a number); null and undefined are empty.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRecord(cells: (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}
