/** The colours that tell one console from another; everything else is shared. */
export interface ConsoleBrand {
  /** Links, primary buttons, focus of the current step. */
  brand: string
  /** Hover of links and buttons, text of the current navigation entry. */
  brandDark: string
  /** The top bar. */
  nav: string
  /** Background of a navigation entry under the pointer. */
  navHover: string
  /** Background of the current navigation entry. */
  navCurrent: string
  /** Background of the "change" badge (audit decisions). */
  changeBadge: string
}

/**
 * A console's one style sheet, served as a hashed, long-cached file (the CSP allows no inline style): the shared
 * rules in the brand's colours, then `extra` (rules only one console needs).
 * @example consoleStyle({ brand: '#1f4fd1', brandDark: '#173ea6', nav: '#111a2e', navHover: '#eef2fb', navCurrent: '#e4ebfd', changeBadge: '#e6ecfd' })
 */
export function consoleStyle(b: ConsoleBrand, extra = ''): string {
  return `
:root{--bg:#f4f6f9;--card:#fff;--text:#1b2130;--muted:#5b6476;--line:#dde2ea;--brand:${b.brand};--brand-dark:${b.brandDark};
--danger:#b42318;--ok:#157347;--warn:#9a6700;--nav:${b.nav};--focus:#b45309}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--brand)}a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:.5rem;background:#fff;color:var(--text);padding:.5rem 1rem;border-radius:6px;z-index:10}
.skip:focus{left:1rem}
.topbar{display:flex;align-items:center;justify-content:space-between;gap:1rem;background:var(--nav);color:#fff;padding:.6rem 1.25rem}
.brand{font-weight:700;letter-spacing:.01em;color:#fff;text-decoration:none}.brand span{font-weight:400;color:#b8c2d9}
.who{display:flex;align-items:center;gap:.75rem;color:#d6dcea;font-size:.93rem}
.who .btn{padding:.3rem .7rem}
.shell{display:grid;grid-template-columns:15.5rem minmax(0,1fr);min-height:calc(100vh - 3rem)}
.sidenav{background:#fff;border-right:1px solid var(--line);padding:1rem .75rem}
.sidenav ul{list-style:none;margin:0;padding:0}
.sidenav a{display:block;padding:.45rem .75rem;border-radius:6px;color:var(--text);text-decoration:none}
.sidenav a:hover{background:${b.navHover}}
.sidenav a[aria-current=page]{background:${b.navCurrent};color:var(--brand-dark);font-weight:600}
.sidenav .sep{margin:.75rem .75rem .35rem;font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
main{padding:1.25rem 1.75rem 3rem;max-width:80rem;width:100%}
h1{font-size:1.5rem;margin:.25rem 0 1rem}h2{font-size:1.15rem;margin:0 0 .75rem}h3{font-size:1rem;margin:1rem 0 .5rem}
.lede{color:var(--muted);margin:-.5rem 0 1.25rem;max-width:60rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem;margin:0 0 1.25rem}
.card-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;margin-bottom:.5rem}
.card-head h2{margin:0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.25rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:1rem;margin-bottom:1.25rem;padding:0;list-style:none}
.stats li{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.75rem 1rem}
.stats strong{display:block;font-size:1.6rem;line-height:1.2}.stats span{color:var(--muted);font-size:.9rem}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.93rem}
caption{text-align:left;font-weight:600;padding:0 0 .5rem}
th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#f1f3f7;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
td.num,th.num{text-align:right}
tbody tr:hover{background:#fafbfd}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:break-word}
.muted{color:var(--muted)}.small{font-size:.85rem}
/* Identifiers of any length in a table cell (issuers, URIs, details): may break anywhere so the table fits. */
.break,.break code{overflow-wrap:anywhere}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;font-size:.78rem;font-weight:600;border:1px solid transparent;white-space:nowrap}
.badge-ok{background:#e3f4ea;color:var(--ok)}.badge-off{background:#eceef2;color:#4a5263}
.badge-deny{background:#fde8e7;color:var(--danger)}.badge-change{background:${b.changeBadge};color:var(--brand-dark)}
.badge-warn{background:#fff4d6;color:var(--warn)}.badge-info{background:#eef0f4;color:#4a5263}
.tag{display:inline-block;background:#eef1f6;border-radius:4px;padding:0 .4rem;margin:0 .25rem .2rem 0;font-size:.85rem}
.btn{display:inline-block;font:inherit;font-weight:600;font-size:.92rem;padding:.45rem .95rem;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;line-height:1.3}
.btn:hover{background:var(--brand-dark);color:#fff}
.btn-secondary{background:#fff;color:var(--text);border-color:#c2c9d6}.btn-secondary:hover{background:#f1f3f7;color:var(--text)}
.btn-danger{background:var(--danger);border-color:var(--danger)}.btn-danger:hover{background:#8f1c13}
.btn-small{padding:.2rem .6rem;font-size:.83rem}
.btn,.nowrap{white-space:nowrap}
.btn-link{background:none;border:0;color:var(--brand);padding:0;text-decoration:underline;font-weight:400}
.topbar .btn-secondary{background:transparent;color:#fff;border-color:#56627d}
.actions{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
form.inline{display:inline}
.form{max-width:40rem}
.field{margin:0 0 1rem}
.field label,.field .label{display:block;font-weight:600;margin-bottom:.25rem}
.help{display:block;color:var(--muted);font-size:.85rem;margin-top:.2rem;font-weight:400}
input[type=text],input[type=password],input[type=email],input[type=number],input[type=date],input[type=url],select,textarea{
width:100%;max-width:36rem;height:2.5rem;font:inherit;padding:.45rem .6rem;border:1px solid #9aa3b5;border-radius:6px;background:#fff;color:var(--text)}
textarea{height:auto;min-height:5rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88rem}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.5rem 1rem .75rem;margin:0 0 1rem;max-width:36rem}
legend{font-weight:600;padding:0 .3rem}
.check{display:flex;gap:.5rem;align-items:flex-start;margin:.3rem 0;font-weight:400}
.check input{margin-top:.3rem}
.row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
.row .field{margin:0}
.filters{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:.75rem 1rem;align-items:end}
.filters input,.filters select{max-width:none}
ul.plain{list-style:none;margin:0;padding:0}
.filters .field{margin:0}
.flash{border-radius:8px;padding:.75rem 1rem;margin:0 0 1.25rem;border:1px solid;border-left-width:6px}
.flash-ok{background:#eef9f2;border-color:#9fd3b3;color:#0f5132}.flash-error{background:#fdf0ef;border-color:#efb0aa;color:#7a1a12}
.flash p{margin:0;font-weight:600}.flash ul{margin:.35rem 0 0;padding-left:1.2rem}
.secret{display:block;background:#fff8e1;border:1px solid #e8c55a;border-radius:6px;padding:.75rem;font-size:1rem;margin:.5rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.pager{display:flex;gap:.75rem;align-items:center;margin-top:.75rem}
.empty{color:var(--muted);font-style:italic;padding:.5rem 0}
.signin{max-width:24rem;margin:4rem auto;background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.75rem 2rem}
.signin h1{margin-top:0}.signin .btn{width:100%;padding:.6rem}
.signin input{max-width:none}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
/* A 1024-wide laptop: tables fit beside the navigation instead of hiding their last columns (a refusal's reason,
the actions) in a scroller; long URLs and ids break anywhere there, but not on wider screens where they fit. */
@media (max-width:1100px){
main{padding:1.25rem 1.25rem 3rem}th,td{padding:.5rem .4rem}
td code,td .mono,td .help{overflow-wrap:anywhere}
}
@media (max-width:900px){
.shell{grid-template-columns:1fr}
.sidenav{border-right:0;border-bottom:1px solid var(--line);padding:.5rem}
.sidenav ul{display:flex;flex-wrap:wrap;gap:.25rem}.sidenav .sep{display:none}
.filters{grid-template-columns:repeat(2,minmax(0,1fr))}
main{padding:1rem}
}
${extra}`
}
