// Time to compute the code actions on a 5,000-line file: the provider's work for one request
// on a new document version (parse against the previous version + loops + edits), p50 and p95 over 200 requests.
import { offeredFixes } from '../../src/python/fixCatalogue';
import { PythonSource } from '../../src/python/pythonSource';

function bigFile(lines: number): string {
  const out: string[] = ['"""A generated module."""', 'import pandas as pd', ''];
  let i = 0;
  while (out.length < lines) {
    out.push(`def step_${i}(paths):`, '    total = 0', '    for path in paths:', `        frame = pd.read_csv(path)`, '        if frame.empty:', '            continue', '        total += len(frame)', '    return total', '');
    i++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

const source = bigFile(5000);
const times: number[] = [];
let previous: PythonSource | undefined;
for (let i = 0; i < 200; i++) {
  // a new version of the document each time (the user typed): no parse cache can help
  const text = source + `# edit ${i}\n`;
  const line = 2500 + (i % 9);
  const started = performance.now();
  // as the code action provider does: parse against the version it parsed last
  previous = PythonSource.parse(text, previous);
  offeredFixes(previous, line, { everyN: 10 });
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(`quickfix_ms_5000_lines: ${times[Math.floor(times.length * 0.95)].toFixed(2)} ms (p95)`);
console.log(`quickfix_ms_5000_lines_p50: ${times[times.length >> 1].toFixed(2)} ms`);
