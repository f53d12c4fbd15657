// The trace format shared by `analyze`, `run --record` and the panel's CSV export:
// a header row naming at least `t` (seconds) and `rss` (bytes); other columns are ignored.

export interface TracePoint {
  readonly t: number;
  readonly rss: number;
}

export class TraceFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'TraceFormatError';
  }
}

function splitCsvLine(line: string): string[] {
  // Traces are numbers; quotes only ever wrap header names or ignored columns.
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

/** Parses a whole trace, naming the line of the first problem. */
export function parseTrace(text: string): TracePoint[] {
  const points: TracePoint[] = [];
  for (const point of iterateTrace(text)) points.push(point);
  if (points.length === 0) throw new TraceFormatError('the trace has a header but no samples', 2);
  return points;
}

/** Yields samples one by one, so a long trace is never held twice. */
export function* iterateTrace(text: string): Generator<TracePoint> {
  const lines = text.split(/\r?\n/);
  let headerLine = 0;
  while (headerLine < lines.length && lines[headerLine].trim() === '') headerLine++;
  if (headerLine >= lines.length) throw new TraceFormatError('the file is empty: expected a header row with columns t and rss', 1);
  const header = splitCsvLine(lines[headerLine].replace(/^\uFEFF/, '')).map((name) => name.toLowerCase());
  const tColumn = header.indexOf('t');
  const rssColumn = header.indexOf('rss');
  if (tColumn < 0 || rssColumn < 0) {
    const missing = [tColumn < 0 ? 't' : '', rssColumn < 0 ? 'rss' : ''].filter(Boolean).join(' and ');
    throw new TraceFormatError(`the header has no column ${missing} (found: ${header.join(', ')})`, headerLine + 1);
  }
  let previousT = -Infinity;
  for (let i = headerLine + 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const cells = splitCsvLine(raw);
    const lineNumber = i + 1;
    if (cells.length <= Math.max(tColumn, rssColumn)) {
      throw new TraceFormatError(`expected at least ${Math.max(tColumn, rssColumn) + 1} columns, found ${cells.length}`, lineNumber);
    }
    const t = Number(cells[tColumn]);
    const rss = Number(cells[rssColumn]);
    if (cells[tColumn] === '' || !Number.isFinite(t)) throw new TraceFormatError(`t is not a number: "${cells[tColumn]}"`, lineNumber);
    if (cells[rssColumn] === '' || !Number.isFinite(rss) || rss < 0) {
      throw new TraceFormatError(`rss is not a non-negative number of bytes: "${cells[rssColumn]}"`, lineNumber);
    }
    if (t < previousT) throw new TraceFormatError(`time goes backwards (${t} after ${previousT})`, lineNumber);
    previousT = t;
    yield { t, rss };
  }
}

export const TRACE_HEADER = 't,rss\n';

export function formatTraceLine(t: number, rss: number): string {
  return `${Number(t.toFixed(3))},${Math.round(rss)}\n`;
}

export function formatTrace(points: Iterable<TracePoint>): string {
  let text = TRACE_HEADER;
  for (const point of points) text += formatTraceLine(point.t, point.rss);
  return text;
}
