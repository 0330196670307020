"""The dashboard's stylesheet and script, served from /static/ by the app itself (no CDN, no build step).

They live here as text rather than as .css/.js files so that they ship inside the package with no package-data rule.
The page works without the script: it only tidies filter URLs (empty fields left out, so a shared link shows just
the filters in use) and checks an upload's size before sending it.
"""

CSS = """
:root { --ink: #1d232b; --muted: #5b6472; --line: #d9dde3; --bg: #fbfbfa; --accent: #1f3f8f; --mark: #fff1a8;
        --q1: #8fcf9a; --q2: #2e8b57; --q3: #f2a35e; --q4: #c8413b; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       background: var(--bg); }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1.2rem; padding: .6rem 1.2rem;
             background: #fff; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; font-size: 1.15rem; color: var(--ink); text-decoration: none; }
header.top nav { display: flex; flex-wrap: wrap; gap: .9rem; }
header.top nav a { color: var(--muted); text-decoration: none; }
header.top nav a[aria-current="page"], header.top nav a:hover { color: var(--accent); text-decoration: underline; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
footer { color: var(--muted); font-size: .85rem; padding: 1rem 1.2rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: .4rem 0 .8rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; }
a { color: var(--accent); }
.muted, .empty { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; list-style: none; padding: 0; margin: 0; }
.cards li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem;
           min-width: 8rem; }
.cards .n { display: block; font-size: 1.5rem; font-weight: 650; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { font-size: .82rem; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
table.events td:nth-child(-n+2), table.doc-events td:first-child, table.roles td:first-child,
table.documents td:first-child { white-space: nowrap; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .4rem .8rem;
               align-items: end; background: #fff; border: 1px solid var(--line); border-radius: 6px;
               padding: .7rem .9rem; margin-bottom: 1rem; }
form.filters label, form.ingest label { display: block; font-size: .8rem; color: var(--muted); }
form input, form select, form textarea { width: 100%; padding: .3rem .4rem; font: inherit; border: 1px solid #b9c0ca;
                                         border-radius: 4px; background: #fff; }
form .actions { display: flex; gap: .6rem; align-items: center; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--accent);
         background: var(--accent); color: #fff; cursor: pointer; }
button[disabled] { opacity: .6; cursor: progress; }
form.ingest { display: grid; gap: .7rem; max-width: 52rem; }
form.ingest textarea { min-height: 14rem; font-family: ui-monospace, monospace; font-size: .85rem; }
.pager { display: flex; gap: 1rem; margin: .8rem 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.doctext { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1.1rem;
           max-width: 54rem; }
.doctext p { margin: .7rem 0; }
mark.ev { background: var(--mark); padding: 0 .05em; }
mark.ev.focus, .anchor:target + mark.ev { background: #ffd34d; outline: 2px solid #e0a800; }
q.quote { quotes: none; text-decoration: underline dotted var(--accent); text-underline-offset: 3px; }
q.quote::before, q.quote::after { content: none; }
ul.removed { list-style: none; padding: 0; }
ul.removed li { margin: .2rem 0; }
ul.removed del { color: #8a3b3b; }
.reason { font-size: .78rem; color: var(--muted); border: 1px solid var(--line); border-radius: 3px;
          padding: 0 .3rem; margin-left: .4rem; }
.tag { font-size: .78rem; border-radius: 3px; padding: 0 .3rem; background: #eef1f6; color: #33415c; }
.aux { background: #fdf0e3; color: #7a4510; }
svg.trend { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line);
            border-radius: 6px; }
svg.trend .q1, .swatch.q1 { fill: var(--q1); background: var(--q1); }
svg.trend .q2, .swatch.q2 { fill: var(--q2); background: var(--q2); }
svg.trend .q3, .swatch.q3 { fill: var(--q3); background: var(--q3); }
svg.trend .q4, .swatch.q4 { fill: var(--q4); background: var(--q4); }
svg.trend a.month:hover rect { opacity: .75; }
svg.trend text { fill: var(--muted); }
svg.trend text.gold { fill: var(--accent); }
ul.legend { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; font-size: .85rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; vertical-align: -2px; margin-right: .3rem;
          border-radius: 2px; }
.swatch.line { height: 3px; vertical-align: 3px; background: var(--accent); }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: .4rem; }
ol.timeline li { position: relative; padding: .3rem 0 .6rem 1rem; }
ol.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .75rem; width: .7rem; height: .7rem;
                         border-radius: 50%; background: var(--accent); }
ol.timeline .when { font-weight: 650; margin-right: .5rem; }
ol.timeline blockquote { margin: .2rem 0 0; color: #39424e; }
.notice { background: #fff7e0; border: 1px solid #f0d58c; border-radius: 6px; padding: .6rem .9rem; }
.error { background: #fdecec; border: 1px solid #e6a5a5; border-radius: 6px; padding: .6rem .9rem; }
code { font-size: .88em; background: #f0f2f5; padding: 0 .2em; border-radius: 3px; }
.endpoint { border-top: 1px solid var(--line); padding: .5rem 0; }
.method { font-weight: 700; margin-right: .5rem; }
"""

JS = r"""
"use strict";
// Filter forms: leave empty fields (and those at their default) out of the URL, so that a shared link carries
// only the filters in use.
document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("input, select").forEach(function (field) {
      var value = field.value.trim();
      if (field.name && (value === "" || value === field.getAttribute("data-default"))) { field.disabled = true; }
    });
    window.setTimeout(function () {
      form.querySelectorAll("input, select").forEach(function (field) { field.disabled = false; });
    }, 0);
  });
});

// Ingest: refuse a file over the size cap before sending it, and show that the pipeline is running.
document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
  var max = parseInt(form.getAttribute("data-max-bytes"), 10);
  var file = form.querySelector("input[type=file]");
  var note = form.querySelector(".size-note");
  var button = form.querySelector("button[type=submit]");
  if (file) {
    file.addEventListener("change", function () {
      var big = file.files.length > 0 && file.files[0].size > max;
      if (note) { note.textContent = big ? "This file is larger than the cap of " + max + " bytes." : ""; }
      if (button) { button.disabled = big; }
    });
  }
  form.addEventListener("submit", function () {
    if (button) {
      window.setTimeout(function () { button.disabled = true; button.textContent = "Running the pipeline…"; }, 0);
    }
  });
});
"""
