/** A cell's text with the characters that would end a table cell or row escaped. */
function cell(text: string | number): string {
  return String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * A Markdown table, unpadded: the formatter pads the columns when the document is written, and the
 * check formats the same way before it compares.
 */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  for (const [index, row] of rows.entries()) {
    if (row.length !== header.length) {
      throw new RangeError(`table row ${index} has ${row.length} cells, the header ${header.length}`);
    }
  }
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
