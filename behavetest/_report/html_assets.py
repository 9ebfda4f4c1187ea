"""The HTML report's inline style sheet, script and content security policy."""

import base64
import hashlib

CSS = """
:root{color-scheme:light;--fg:#1d232a;--muted:#5b6770;--line:#d8dee4;--bg:#fff;--soft:#f5f7f9;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",
"Liberation Sans",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:21px;margin:36px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:17px;margin:22px 0 8px}h4{font-size:15px;margin:18px 0 6px;color:var(--muted)}h5{font-size:14px;margin:14px 0 6px}
a{color:var(--accent)}code{font-size:13px;background:var(--soft);padding:1px 4px;border-radius:3px}
.meta,.explain,.note{color:var(--muted)}.explain{max-width:860px;font-size:14px}.note{font-size:13px}
.headline{font-size:18px;font-weight:600;margin:10px 0}
.headline.s-fail{color:#b71c1c}.headline.s-pass{color:#1b5e20}.headline.s-na{color:var(--muted)}
nav ul,.chips{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 18px}
nav{position:sticky;top:0;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line);z-index:2;
padding:4px 0;margin:0 0 8px}
.chips li{display:flex;align-items:center;gap:6px}.count{font-weight:600}
.badge{display:inline-block;min-width:64px;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;
color:#fff;text-align:center;white-space:nowrap}
.s-pass.badge{background:#2e7d32}.s-fail.badge{background:#c62828}.s-error.badge{background:#6a1b9a}
.s-tracked.badge{background:#546e7a}.s-na.badge{background:#9e9e9e}
.verdict{font-weight:600;white-space:nowrap}.v-regressed{color:#b71c1c}.v-improved{color:#1b5e20}
.v-within-tolerance{color:#e65100}.v-not-significant,.v-other{color:var(--muted)}
.alert{border:2px solid #c62828;background:#fdecea;border-radius:6px;padding:6px 16px;margin:14px 0}
.alert h2{border:0;margin:8px 0;color:#b71c1c;font-size:18px}
.scroll{overflow-x:auto;margin:8px 0 14px}
table{border-collapse:collapse;font-size:14px}
caption{caption-side:top;text-align:left;color:var(--muted);font-size:13px;padding:2px 0 6px}
.grid th,.grid td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:top}
.grid thead th{background:var(--soft);border-bottom:2px solid var(--line);font-weight:600;white-space:nowrap}
.grid tbody th{font-weight:600}
.grid .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.matrix td.cell{min-width:118px;text-align:center;border:1px solid #fff}
.matrix .sub{font-weight:400}
.cell .rate,.cell .ci,.cell .n{display:block}.cell .rate{font-size:15px;font-weight:600}
.cell .ci,.cell .n{font-size:12px;color:#2b343b}
.rate{font-weight:600;font-variant-numeric:tabular-nums}.ci{color:var(--muted);font-size:13px}
.none{color:#98a2ab}
figure{margin:10px 0}figcaption{font-size:13px;color:var(--muted)}
svg.chart,svg.legend{max-width:100%;height:auto;display:block}
svg text{font-family:inherit;fill:#1d232a}
svg .tick{font-size:11px;fill:#5b6770}svg .label{font-size:12.5px}svg .heading{font-weight:700;font-size:13px}
svg .strong{font-weight:700}svg .value{font-size:12px;fill:#37424a}
svg .grid{stroke:#e3e8ec;stroke-width:1}svg .whisker{stroke:#1d232a;stroke-width:1.4;fill:none}
svg .threshold{stroke:#111;stroke-width:2;stroke-dasharray:3 2}svg .threshold-tip{fill:#111}
svg .bar{opacity:.88}svg .row:hover .bar{opacity:1}
svg .before{fill:#fff;stroke:#37424a;stroke-width:1.6}svg .after{stroke:#1d232a;stroke-width:.8}
svg .change{stroke-width:2.5;fill:none}
details.test{border:1px solid var(--line);border-radius:6px;margin:8px 0;background:#fff}
details.test>summary{cursor:pointer;padding:7px 12px;background:var(--soft);border-radius:6px;list-style-position:inside}
details.test[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
.tname{font-weight:600;word-break:break-all}.type{font-size:12px;font-weight:700;color:var(--muted)}
.body{padding:6px 14px 10px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:6px 0;font-size:14px}
dt{color:var(--muted)}dd{margin:0;word-break:break-word}
pre.error{background:#f3e5f5;border-left:4px solid #6a1b9a;padding:8px 12px;white-space:pre-wrap;font-size:13px}
.examples td{max-width:340px}
.input{white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:13px}
.pred{white-space:nowrap;font-weight:600}
mark{background:#ffe08a;color:inherit;padding:0 1px;border-radius:2px}
mark.gap{background:#e57373;padding:0 1.5px;margin:0 1px}
table.kv{font-size:12.5px;border-collapse:collapse}
table.kv th{font-weight:600;color:var(--muted);text-align:right;padding:0 6px 0 0;border:0}
table.kv td{padding:0;border:0;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.toolbar{margin:6px 0}.toolbar button{font:inherit;font-size:13px;margin-right:6px;padding:2px 10px;cursor:pointer}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{nav,.toolbar{display:none}details.test{break-inside:avoid}}
"""

# Optional progressive enhancement, inline: "expand/collapse all" buttons for the test list, and a marker
# attribute (data-charts = number of chart bars drawn) that the browser test reads.
SCRIPT = """
(function () {
  var root = document.documentElement;
  root.setAttribute("data-charts", String(document.querySelectorAll("svg.chart rect, svg.chart circle").length));
  var tests = document.getElementById("tests");
  if (!tests) { return; }
  var bar = document.createElement("div");
  bar.className = "toolbar";
  [["Expand all", true], ["Collapse all", false]].forEach(function (spec) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = spec[0];
    button.addEventListener("click", function () {
      tests.querySelectorAll("details").forEach(function (d) { d.open = spec[1]; });
    });
    bar.appendChild(button);
  });
  var explain = tests.querySelector(".explain");
  tests.insertBefore(bar, explain ? explain.nextSibling : tests.firstChild);
  root.setAttribute("data-report-ready", "1");
})();
"""


# The page may load nothing and run only its own script (by hash): even an unescaped input could not run.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()}'")
