// The form's styles, served as /assets/form.css (a file, so the CSP needs no inline style).

/** The stylesheet. Outputs wrap and scroll; whitespace and code layout are kept. */
export const FORM_STYLES = `:root { color-scheme: light dark; --line: #8884; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; }
header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: .4rem 1rem; border-bottom: 1px solid var(--line); }
header p { margin: 0; }
.signout button { font-size: .85rem; }
.narrow { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
.notice { margin: .6rem 1rem; padding: .5rem .8rem; border: 1px solid #d97706; border-radius: 6px; background: #d9770622; }
.item { display: grid; grid-template-columns: minmax(0, 3fr) minmax(22rem, 2fr); gap: 1.2rem; padding: 1rem; }
@media (max-width: 60rem) { .item { grid-template-columns: minmax(0, 1fr); } }
.material h2, .rubric h2 { margin: 0 0 .5rem; font-size: 1.1rem; }
.text h3 { margin: .8rem 0 .2rem; font-size: .95rem; }
pre { margin: 0; padding: .6rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; overflow: auto; max-height: 60vh;
  border: 1px solid var(--line); border-radius: 6px; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; tab-size: 4; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.rubric { position: sticky; top: 0; align-self: start; }
.guidelines { margin-bottom: .8rem; border: 1px solid var(--line); border-radius: 6px; padding: .3rem .8rem; }
.guidelines summary { cursor: pointer; font-weight: 600; }
.guidelines div { white-space: pre-wrap; max-height: 13rem; overflow: auto; font-size: .88rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .8rem; padding: .4rem .8rem; }
.point { display: block; padding: .15rem 0; cursor: pointer; }
.point { display: grid; grid-template-columns: auto auto 1fr; gap: 0 .5rem; align-items: baseline; }
.point .description { grid-column: 3; font-size: .85rem; opacity: .85; }
label[for="comment"] { display: block; }
textarea { width: 100%; font: inherit; }
.buttons { display: flex; gap: .5rem; margin-top: .6rem; flex-wrap: wrap; }
button { font: inherit; padding: .3rem .8rem; }
button[data-action="rate"] { background: var(--accent); color: #fff; border: 1px solid var(--accent); border-radius: 4px; }
kbd { font: 12px ui-monospace, monospace; padding: 0 .3rem; border: 1px solid var(--line); border-radius: 3px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.keys { margin-top: 1rem; padding: .5rem .8rem; border: 1px solid var(--line); border-radius: 6px; }
.keys[hidden] { display: none; }
.keys dl { display: grid; grid-template-columns: auto 1fr; gap: .2rem .8rem; margin: 0; }
.keys dd { margin: 0; }
.hint { font-size: .85rem; opacity: .8; }
.queues li { margin: .3rem 0; }
.queues .mode, .queues .progress { opacity: .8; margin-left: .5rem; }
`;
