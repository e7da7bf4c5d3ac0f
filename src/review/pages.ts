// The form's pages as pure functions of what the queue hands out (ShownItem is blind, and
// nothing else about the item is rendered): every string goes through html`` and is escaped.
import type { QueueInfo, ReviewRubric, ShownItem } from "../score/human/types.ts";
import { html, type SafeHtml } from "./html.ts";

/** What the pages need of a rater's progress in one queue. */
export interface ProgressView {
  rated: number;
  queueDone: number;
  queueTotal: number;
}

/** Notices shown once after a POST-redirect-GET (the query flag `notice`). */
export const NOTICES: Record<string, string> = {
  taken: "Your reservation of that item had run out and it went to other raters: your rating was not recorded.",
  "not-reserved": "That item was not reserved for you: nothing was recorded.",
  "nothing-to-undo": "There is no rating of yours to undo in this queue.",
  "not-skipped": "That item was not reserved for you: nothing was skipped.",
};

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · assay review</title>
<link rel="stylesheet" href="/assets/form.css">
<script src="/assets/form.js" defer></script>
</head>
<body>
${body}
</body>
</html>
`.value;
}

/** "12 rated by you · 340 of 450 ratings in this queue". */
export function progressText(p: ProgressView): string {
  return `${p.rated} rated by you · ${p.queueDone} of ${p.queueTotal} ratings in this queue`;
}

/** The sign-in page: a token field posted to /login; `error` says why the last attempt failed. */
export function loginPage(error?: string): string {
  return page(
    "Sign in",
    html`<main class="narrow">
<h1>Sign in to rate</h1>
${error ? html`<p class="notice" role="alert">${error}</p>` : ""}
<form method="post" action="/login">
<label for="token">Your sign-in token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">Your team lead gave you a link with this token, or the token itself.</p>
</main>`,
  );
}

function signOut(csrf: string): SafeHtml {
  return html`<form method="post" action="/logout" class="signout"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Sign out</button></form>`;
}

/** The queues this rater can work on, with their progress in each. */
export function queueListPage(rater: string, csrf: string, queues: { queue: QueueInfo; progress: ProgressView }[]): string {
  const rows = queues.map(
    ({ queue, progress }) =>
      html`<li><a href="/q/${encodeURIComponent(queue.name)}">${queue.name}</a> <span class="mode">${queue.mode}</span> <span class="progress">${progressText(progress)}</span></li>`,
  );
  return page(
    "Queues",
    html`<header><p>Signed in as ${rater}</p>${signOut(csrf)}</header>
<main class="narrow">
<h1>Review queues</h1>
${queues.length ? html`<ul class="queues">${rows}</ul>` : html`<p>No queues are being served.</p>`}
</main>`,
  );
}

/** The page shown when the queue has nothing more for this rater. */
export function donePage(queue: QueueInfo, csrf: string, progress: ProgressView, notice?: string): string {
  return page(
    `${queue.name}: done`,
    html`<header><p><a href="/">Queues</a> · ${queue.name}</p>${signOut(csrf)}</header>
<main class="narrow">
${noticeBlock(notice)}
<h1>Nothing left for you in ${queue.name}</h1>
<p class="progress">${progressText(progress)}</p>
<p>Thank you. Items whose reservations run out come back to the queue, so there may be more later.</p>
<form method="post" action="/q/${encodeURIComponent(queue.name)}/undo"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Undo my last rating</button></form>
</main>`,
  );
}

function noticeBlock(notice?: string): SafeHtml | string {
  const text = notice ? NOTICES[notice] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : "";
}

function textBlock(label: string, text: string, id: string): SafeHtml {
  // lang="" = language unknown: the output's own script decides, dir="auto" its direction.
  return html`<section class="text" aria-labelledby="${id}"><h3 id="${id}">${label}</h3><pre dir="auto" lang="">${text}</pre></section>`;
}

function scaleFields(rubric: ReviewRubric, item: ShownItem): SafeHtml {
  const chosen = item.previous?.score;
  const points = rubric.points.map(
    (p, i) =>
      html`<label class="point"><input type="radio" name="score" value="${String(p.score)}" data-key="${p.key}" required${
        chosen === p.score || (chosen === undefined && i === 0) ? html` autofocus` : ""
      }${chosen === p.score ? html` checked` : ""}> <kbd>${p.key}</kbd> <span class="label">${p.label}</span>${
        p.description ? html`<span class="description">${p.description}</span>` : ""
      }</label>`,
  );
  return html`<fieldset><legend>Score</legend>${points}</fieldset>`;
}

function preferenceFields(item: ShownItem): SafeHtml {
  const chosen = item.previous?.preference;
  const choices: [string, string, string][] = [
    ["A", "a", "A is better"],
    ["B", "b", "B is better"],
    ["tie", "t", "Tie"],
  ];
  const radios = choices.map(
    ([value, key, label], i) =>
      html`<label class="point"><input type="radio" name="preference" value="${value}" data-key="${key}" required${
        chosen === value || (chosen === undefined && i === 0) ? html` autofocus` : ""
      }${chosen === value ? html` checked` : ""}> <kbd>${key}</kbd> <span class="label">${label}</span></label>`,
  );
  return html`<fieldset><legend>Which output is better?</legend>${radios}</fieldset>`;
}

const KEY_LIST = html`<div id="keys" class="keys" hidden><h2>Keys</h2><dl>
<dt><kbd>1</kbd>–<kbd>9</kbd>, <kbd>0</kbd></dt><dd>pick a point of the scale (<kbd>0</kbd> = the tenth)</dd>
<dt><kbd>a</kbd> <kbd>b</kbd> <kbd>t</kbd></dt><dd>pairwise: A, B or a tie</dd>
<dt><kbd>Enter</kbd></dt><dd>submit (<kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the comment box)</dd>
<dt><kbd>s</kbd></dt><dd>skip this item</dd>
<dt><kbd>u</kbd></dt><dd>undo your last rating</dd>
<dt><kbd>?</kbd></dt><dd>show or hide this list</dd>
</dl></div>`;

/** One item to rate: the material on the left, the rubric and the form beside it. */
export function itemPage(queue: QueueInfo, item: ShownItem, csrf: string, notice?: string): string {
  const q = encodeURIComponent(queue.name);
  const pairwise = queue.mode === "pairwise";
  const outputs = pairwise
    ? html`<div class="sides">${textBlock("A", item.outputs[0], "out-a")}${textBlock("B", item.outputs[1] ?? "", "out-b")}</div>`
    : textBlock("Output", item.outputs[0], "out");
  const rubric = queue.rubric;
  return page(
    `${queue.name}: rate`,
    html`<header><p><a href="/">Queues</a> · ${queue.name} · <span class="progress">${progressText(item.progress)}</span></p>${signOut(csrf)}</header>
${noticeBlock(notice)}
<main class="item${pairwise ? " pairwise" : ""}">
<article class="material" aria-label="Item to rate">
<h2>Task: <span class="task">${item.task}</span></h2>
${textBlock("Input", item.input, "input")}
${item.reference !== null ? textBlock("Reference", item.reference, "reference") : ""}
${outputs}
</article>
<aside class="rubric" aria-label="Rubric and rating">
<h2>${rubric.title}</h2>
${rubric.guidelines ? html`<details class="guidelines" open><summary>Guidelines</summary><div>${rubric.guidelines}</div></details>` : ""}
<form id="rating" method="post" action="/q/${q}/rate">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="item" value="${String(item.itemId)}">
${pairwise ? preferenceFields(item) : scaleFields(rubric, item)}
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="10000" dir="auto">${item.previous?.comment ?? ""}</textarea>
<div class="buttons">
<button type="submit" data-action="rate">Submit <kbd>Enter</kbd></button>
<button type="submit" data-action="skip" formaction="/q/${q}/skip" formnovalidate>Skip <kbd>s</kbd></button>
<button type="submit" data-action="undo" formaction="/q/${q}/undo" formnovalidate>Undo last <kbd>u</kbd></button>
</div>
</form>
<p class="hint">Press <kbd>?</kbd> for the keys.</p>
${KEY_LIST}
</aside>
</main>`,
  );
}

/** A short error page (the status is set by the caller). */
export function messagePage(title: string, message: string): string {
  return page(title, html`<main class="narrow"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the queues</a></p></main>`);
}
