// The report page's style sheet, inline (allowed by its hash in the page's CSP).

/** The report's CSS. */
export const reportStyles = `
:root { font: 14px/1.45 system-ui, sans-serif; color: #1d232b; background: #fff; }
body { margin: 0 auto; max-width: 1200px; padding: 0 20px 40px; }
h1 { font-size: 22px; margin: 18px 0 2px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #dde2e8; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.muted { color: #66717e; } .note { color: #3d4652; max-width: 900px; }
.warning { color: #8a3b00; background: #fff3e6; padding: 4px 8px; }
nav a { color: #1f5fa8; }
.run dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
.run dt { color: #66717e; } .run dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0 14px; display: block; max-width: 100%; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
caption { text-align: left; font-weight: 600; padding: 2px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eef1f4; text-align: left; vertical-align: middle; }
th { cursor: pointer; user-select: none; background: #f5f7f9; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { background: #eaf6ec; } tr.tied td { background: #f4faf5; }
.mark { font-size: 11px; padding: 0 4px; border-radius: 3px; margin-right: 6px; }
.mark.best { background: #2e7d32; color: #fff; } .mark.tied { background: #c8e6c9; color: #1b5e20; }
.bar-cell { white-space: nowrap; } .bar { vertical-align: middle; margin-right: 6px; }
.bar .track { stroke: #d5dbe1; stroke-width: 2; } .bar .ci { fill: #90b4dc; } .bar .value { fill: #1f5fa8; }
.ci { font-variant-numeric: tabular-nums; color: #3d4652; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin: 6px 0 10px; }
.filters label { display: flex; gap: 4px; align-items: center; }
.pager { display: flex; gap: 10px; align-items: center; margin: 8px 0; }
table.items { width: 100%; } table.items td { vertical-align: top; }
table.items tr.trial { cursor: pointer; } table.items tr.trial:hover td { background: #f5f8fc; }
.detail td { background: #fafbfc; }
.detail pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 2px 0 8px; padding: 6px 8px; background: #fff; border: 1px solid #e3e7ec; max-height: 360px; overflow: auto; unicode-bidi: plaintext; }
.detail h4 { margin: 6px 0 0; font-size: 12px; color: #66717e; text-transform: uppercase; letter-spacing: .03em; }
.score-pass { color: #2e7d32; } .score-fail { color: #b3261e; } .score-none { color: #8a6d00; }
.cut { overflow-wrap: anywhere; max-width: 420px; }
.effect.up .ci { fill: #81c784; } .effect.down .ci { fill: #e57373; } .effect.flat .ci { fill: #c5ccd3; }
.effect .zero { stroke: #1d232b; stroke-width: 1; } .effect .value { fill: #1d232b; }
.tradeoff .side { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.scatter .axis { stroke: #8a95a1; } .scatter .tick { font-size: 10px; fill: #66717e; } .scatter .tick.end { text-anchor: end; }
.scatter .dot { fill: #90b4dc; stroke: #1f5fa8; } .scatter .front { fill: #2e7d32; } .scatter .label { font-size: 11px; fill: #1d232b; }
.scatter .front-line { fill: none; stroke: #2e7d32; stroke-width: 1.5; stroke-dasharray: 4 3; }
pre.tables { font: 12px/1.35 ui-monospace, monospace; background: #fafbfc; border: 1px solid #e3e7ec; padding: 8px; overflow: auto; }
`;
