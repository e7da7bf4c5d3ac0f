// The rating form's keyboard layer, served as /assets/form.js (a file, so the CSP needs no
// inline script). The form works without it: radio buttons and buttons do everything.

/** The script's source (plain ES2020, no modules). */
export const FORM_SCRIPT = `"use strict";
(function () {
  var form = document.getElementById("rating");
  if (!form) return;
  var keys = document.getElementById("keys");
  var sent = false;
  form.addEventListener("submit", function () { sent = true; });
  function press(action) {
    var button = form.querySelector('button[data-action="' + action + '"]');
    if (button && !sent) form.requestSubmit(button);
  }
  document.addEventListener("keydown", function (e) {
    if (sent || e.altKey || e.metaKey || e.isComposing) return;
    var t = e.target;
    var typing = t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type !== "radio");
    if (e.key === "Enter") {
      // In the comment box Enter is a new line; Ctrl+Enter submits. A focused button presses itself.
      if ((typing && !e.ctrlKey) || t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement) return;
      e.preventDefault();
      press("rate");
      return;
    }
    if (typing || e.ctrlKey) return;
    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    var choice = null;
    var radios = form.querySelectorAll('input[type="radio"][data-key]');
    for (var i = 0; i < radios.length; i++) if (radios[i].getAttribute("data-key") === key) choice = radios[i];
    if (choice) {
      e.preventDefault();
      choice.checked = true;
      choice.focus();
      return;
    }
    if (key === "s") { e.preventDefault(); press("skip"); }
    else if (key === "u") { e.preventDefault(); press("undo"); }
    else if (key === "?") { e.preventDefault(); if (keys) keys.hidden = !keys.hidden; }
    else if (key === "Escape" && keys && !keys.hidden) { keys.hidden = true; }
  });
  var start = form.querySelector('input[type="radio"]:checked') || form.querySelector('input[type="radio"]');
  if (start && document.activeElement !== start) start.focus();
})();
`;
