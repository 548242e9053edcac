import { consoleStyle } from '@openxaa/console-ui'

/** The IdP console's style sheet: the shared one in blue, plus its own alerts, stepper, consent card and graph. */
export const CONSOLE_CSS = consoleStyle(
  {
    brand: '#1f4fd1',
    brandDark: '#173ea6',
    nav: '#111a2e',
    navHover: '#eef2fb',
    navCurrent: '#e4ebfd',
    changeBadge: '#e6ecfd',
  },
  `.alert{display:flex;gap:.75rem;align-items:flex-start;justify-content:space-between;padding:.6rem 0;border-bottom:1px solid var(--line)}
.alert:last-child{border-bottom:0}
.alert .btn{white-space:nowrap}
.stepper{display:flex;gap:.5rem;list-style:none;padding:0;margin:0 0 1.25rem;flex-wrap:wrap}
.stepper li{padding:.3rem .8rem;border-radius:999px;background:#e9ecf2;color:var(--muted);font-size:.88rem}
.stepper li[aria-current=step]{background:var(--brand);color:#fff;font-weight:600}
.consent{border:2px solid var(--brand);background:#f5f8ff}
.consent dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1rem}
.consent dt{font-weight:600}.consent dd{margin:0}
.graph{margin:0 0 1rem}
.graph svg{width:100%;height:auto;display:block;background:#fbfcfe;border:1px solid var(--line);border-radius:8px}
.graph .col-title{font-size:13px;font-weight:700;fill:var(--muted);letter-spacing:.05em}
.node rect{stroke:#9aa5bb;stroke-width:1}.node-client rect{fill:#eaf0ff}.node-app rect{fill:#e9f7ef}
.node text{font-size:13px;fill:var(--text)}.node .sub{font-size:11px;fill:var(--muted)}
.edge path{fill:none;stroke:var(--brand);stroke-width:2.5}
.edge.off path{stroke:#a3abba;stroke-dasharray:6 5}
.edge.unused path{stroke:#7e9be6}
.edge text{font-size:12px;fill:var(--text)}.edge text.sub{font-size:11px;fill:var(--muted)}.edge .label-bg{fill:#fff;stroke:var(--line)}
.edge:focus path,.edge:hover path{stroke-width:4.5}
.edge:focus .label-bg{stroke:var(--focus);stroke-width:2}
.legend{display:flex;gap:1.25rem;flex-wrap:wrap;color:var(--muted);font-size:.85rem;margin:.5rem 0 0}
.legend .swatch{display:inline-block;width:1.6rem;height:0;border-top:3px solid var(--brand);vertical-align:middle;margin-right:.35rem}
.legend .swatch.off{border-top:3px dashed #a3abba}
`,
)
