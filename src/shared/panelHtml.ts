// The panel's HTML, shared by the extension and the chart benchmark (which loads the same page
// in chromium). The script and style come from the extension; nothing from the network.

export interface PanelHtmlOptions {
  readonly csp: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function panelHtml(options: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${options.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${options.styleUri}">
<title>Kernel Memory</title>
</head>
<body>
<div class="toolbar" role="toolbar" aria-label="Chart controls">
  <label>Window <select id="window" aria-label="Time window">
    <option value="300">5 min</option><option value="1800">30 min</option><option value="all">Whole session</option>
  </select></label>
  <button id="pause" aria-pressed="false">Pause</button>
  <label class="grow">Process <select id="process" aria-label="Process to export"></select></label>
  <button id="export-csv" title="Export the selected process as CSV (t,rss)">Export CSV</button>
  <button id="export-png" title="Save the chart as PNG">Export PNG</button>
</div>
<p id="empty" class="empty">Run a notebook cell or a Python script: its memory shows up here. Or pick any Python process with <em>Kernel Memory Watch: Watch Python Process…</em></p>
<div class="chart" hidden><canvas id="chart" role="img" aria-label="Memory of the watched processes over time"></canvas></div>
<div id="chart-state" hidden data-datasets="0" data-points="0" data-markers="0"></div>
<section id="findings-section" hidden><h2>Findings</h2><ul id="findings"></ul></section>
<section id="diagnosis-section" hidden><h2>Diagnosis</h2><p id="diagnosis-headline"></p><table><tbody id="diagnosis-rows"></tbody></table><div id="holders" hidden></div></section>
<section id="ledger-section" hidden><h2>Cells</h2>
<table><thead><tr><th>Cell</th><th data-sort="startBytes" tabindex="0">Start</th><th data-sort="peakBytes" tabindex="0">Peak</th><th data-sort="endBytes" tabindex="0">End</th><th data-sort="retainedBytes" tabindex="0">Retained</th></tr></thead><tbody id="ledger-rows"></tbody></table></section>
<script nonce="${options.nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}
