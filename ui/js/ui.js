// Shared pieces of the window: buttons, form fields with inline errors, toasts, the side panel
// and the modal (one thing open at a time, Esc closes, asking first if something changed), and
// the confirmation dialog, which opens above them with the focus on its safe choice.

import { api } from "./api.js";
import { el, $, clear } from "./dom.js";
import { count } from "./format.js";
import { pluriel } from "./fr.js";
import { icon } from "./icons.js";

export function button(label, { primary, danger, onclick, type = "button", id, disabled } = {}) {
  const cls = ["btn", primary ? "primary" : "", danger ? "danger" : ""].join(" ").trim();
  return el("button", { type, class: cls, onclick, id, disabled }, label);
}

/**
 * Makes `b` run `action` once at a time: from the click to the end of everything `action`
 * awaits (a native dialog, the print dialog, the work, its answer), `b` is disabled and a
 * second click — a double click, two clicks before the dialog shows — does nothing. The
 * keyboard comes back to `b` if it was there. Returns `b`.
 */
export function oneAtATime(b, action) {
  let running = false;
  b.addEventListener("click", async (e) => {
    if (running) return;
    running = true;
    const focused = document.activeElement === b;
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
    try {
      await action(e);
    } finally {
      running = false;
      b.disabled = false;
      b.removeAttribute("aria-busy");
      const lost = !document.activeElement || document.activeElement === document.body;
      if (focused && lost && b.isConnected) b.focus();
    }
  });
  return b;
}

export function iconButton(name, label, onclick, { danger } = {}) {
  return el(
    "button",
    {
      type: "button",
      class: danger ? "icon-btn danger" : "icon-btn",
      title: label,
      "aria-label": label,
      onclick: (e) => {
        e.stopPropagation();
        onclick(e);
      },
    },
    icon(name),
  );
}

let fieldSeq = 0;

/** A labelled input with its error line; returns {wrap, input, setError}. */
export function field(label, { key, required, type = "text", value = "", hint, inputmode, maxlength, counter, control } = {}) {
  fieldSeq += 1;
  const id = `champ-${fieldSeq}`;
  const input =
    control ||
    el("input", {
      id,
      type,
      value,
      inputmode,
      maxlength,
      autocomplete: "off",
      spellcheck: "false",
      "data-champ": key,
    });
  if (control) {
    input.id = id;
    input.dataset.champ = key;
  }
  const error = el("div", { class: "field-error", id: `${id}-erreur`, role: "alert" });
  // A screen reader says the hint and the error with the field, and that it must be filled
  // (the asterisk is only drawn).
  input.setAttribute("aria-describedby", hint ? `${id}-aide ${id}-erreur` : `${id}-erreur`);
  if (required) input.setAttribute("aria-required", "true");
  const count = counter ? el("span", { class: "counter", "aria-hidden": "true" }) : null;
  const updateCount = () => {
    if (count) count.textContent = `${input.value.length}/${counter}`;
  };
  if (count) {
    // After every listener of the keystroke (a form's digit filter may take a letter out): a
    // microtask would run between two listeners of a browser's own event.
    input.addEventListener("input", () => setTimeout(updateCount));
    updateCount();
  }
  const wrap = el(
    "div",
    { class: "field" },
    el("label", { for: id }, label, required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null, count),
    input,
    hint ? el("div", { class: "hint", id: `${id}-aide` }, hint) : null,
    error,
  );
  return {
    wrap,
    input,
    key,
    setError(message) {
      error.textContent = message ? capitalize(message) : "";
      input.classList.toggle("invalid", Boolean(message));
      input.setAttribute("aria-invalid", message ? "true" : "false");
    },
  };
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** Shows `{code, message, champs}` errors under their fields; returns the message for the rest. */
export function showFieldErrors(fields, err) {
  for (const f of fields) f.setError("");
  const champs = isFieldsError(err) ? err.champs : [];
  let unplaced = [];
  for (const c of champs) {
    const f = fields.find((x) => x.key === c.champ);
    if (f) f.setError(c.message);
    else unplaced.push(`${c.libelle} : ${c.message}`);
  }
  if (!champs.length) unplaced = [err && err.message];
  const first = fields.find((f) => f.input.getAttribute("aria-invalid") === "true");
  if (first) first.input.focus();
  return unplaced.filter(Boolean).join(" ");
}

const FIELDS_CODE = "champs_invalides";

/** True when the error is about fields of the form (`champs` says which). */
export function isFieldsError(err) {
  return Boolean(err) && err.code === FIELDS_CODE;
}

/** An error the page finds itself, shaped as Rust's (`{code, message, champs}`). */
export function fieldsError(champs) {
  return { code: FIELDS_CODE, message: "", champs };
}

/**
 * Runs `work` when `form` is submitted, once at a time. The error line `message` is emptied
 * first and shows `failed(err)` when the work fails; `submit`, when given, is disabled until
 * the work ends, and reads `busy` meanwhile when that is given too.
 */
export function onSubmit(form, { message, submit, busy }, work, failed) {
  // Enter held down, or pressed again while saving, submits once: `requestSubmit` ignores a
  // disabled button, and a second save would write and journal everything twice.
  let running = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (running) return;
    running = true;
    const label = submit ? submit.textContent : "";
    if (submit) submit.disabled = true;
    if (submit && busy) submit.textContent = busy;
    message.textContent = "";
    try {
      // What is being saved is not « closed without saving »: the box waits for it.
      await holding(form, SAVING, work());
    } catch (err) {
      message.textContent = failed(err);
    } finally {
      running = false;
      if (submit) submit.disabled = false;
      if (submit && busy) submit.textContent = label;
    }
  });
}

const SAVING = "Enregistrement en cours : le formulaire se fermera une fois enregistré.";

/**
 * Marks `node` busy while `promise` runs: the panel or modal holding it refuses to close
 * (Esc, ×, a click beside it, another box opening) and says `why` instead — what runs and how
 * to stop it, if it can be stopped. Returns what `promise` gives.
 */
export async function holding(node, why, promise) {
  node.setAttribute("aria-busy", "true");
  node.dataset.occupe = why;
  try {
    return await promise;
  } finally {
    node.removeAttribute("aria-busy");
    delete node.dataset.occupe;
  }
}

/** Whether `form` was typed in since it was drawn or last saved (`saved()` after a save). */
export function trackChanges(form) {
  let dirty = false;
  const typed = () => {
    dirty = true;
  };
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  return { dirty: () => dirty, saved: () => { dirty = false; } };
}

let undoable = null; // {toast, run}: the toast whose Annuler Ctrl+Z presses

/**
 * A short message at the bottom of the window. `action` ({label, run, undo}) adds a button and
 * keeps the message longer (8 s); with `undo`, Ctrl+Z outside a text field presses it too.
 * `ms` sets how long it stays.
 */
export function toast(message, kind = "ok", { action, ms } = {}) {
  const t = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" }, el("span", {}, message));
  let timer = 0;
  const remove = () => {
    clearTimeout(timer);
    t.remove();
    if (undoable && undoable.toast === t) undoable = null;
  };
  if (action) {
    const b = el("button", { type: "button", class: "toast-action", onclick: () => { remove(); action.run(); } }, action.label);
    if (action.undo) {
      b.setAttribute("aria-keyshortcuts", "Control+Z");
      b.title = `${action.label} (Ctrl+Z)`;
      undoable = { toast: t, run: () => b.click() };
    }
    t.append(b);
  }
  $("#toasts").append(t);
  // `ms: Infinity`: stays until the window is closed (setTimeout would fire it at once).
  if (ms !== Infinity) timer = setTimeout(remove, ms ?? (action ? 8000 : kind === "error" ? 6000 : 3000));
  return t;
}

/** Says why something was refused (a box that may not close yet) in one toast: asked again
 * while it shows — Esc pressed three times —, the same toast stays longer, none piles up. */
export function refuse(why) {
  for (const t of [...$("#toasts").children]) if (t.firstChild.textContent === why) t.remove();
  toast(why, "warn");
}

document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  if (undoable && (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z" && !typing && !asking) {
    e.preventDefault();
    undoable.run();
  }
});

// ----- side panel and modal -------------------------------------------------------------

let current = null; // {kind: "panel"|"modal", isDirty, onClose, returnFocus}
// Where the keyboard goes back when the control that opened the panel was redrawn meanwhile.
let focusFallback = null;

export function isOpen() {
  return current !== null || asking !== null;
}

/** `fn(lost)` gives the focus a home when `lost`, the control that opened a box, is gone. */
export function setFocusFallback(fn) {
  focusFallback = fn;
}

/**
 * Runs `then` with no side panel open: the panel closes first (asking when something is
 * unsaved). Nothing runs while a modal or a question holds the keyboard.
 */
export function leavePanel(then) {
  if (asking || (current && current.kind !== "panel")) return;
  if (closeCurrent(false, then)) then();
}

/**
 * Closes the panel or modal. With unsaved changes (and without `force`), asks first in the
 * app's own dialog and returns false; `after` runs once the person chose to close anyway.
 */
function closeCurrent(force = false, after = null) {
  if (!current) return true;
  const shown = current.kind === "panel" ? $("#panneau") : $("#modale");
  const held = force ? null : shown.querySelector("[data-occupe]");
  if (held) {
    refuse(held.dataset.occupe);
    return false;
  }
  if (!force && current.isDirty && current.isDirty()) {
    const c = current;
    confirmDialog({
      title: "Fermer sans enregistrer ?",
      lines: ["Des modifications ne sont pas enregistrées."],
      cancelLabel: "Continuer la saisie",
      confirmLabel: "Fermer sans enregistrer",
      danger: true,
    }).then((ok) => {
      if (ok && current === c && closeCurrent(true) && after) after();
    });
    return false;
  }
  const c = current;
  current = null;
  const host = c.kind === "panel" ? $("#panneau") : $("#modale");
  host.hidden = true;
  clear(c.kind === "panel" ? host : host.firstElementChild);
  if (c.onClose) c.onClose();
  if (c.returnFocus && document.contains(c.returnFocus)) c.returnFocus.focus();
  else if (c.returnFocus && focusFallback) focusFallback(c.returnFocus);
  return true;
}

export function close(force = false) {
  return closeCurrent(force);
}

function open(kind, opts) {
  // Something with unsaved changes is open: this opens once the person chose to leave it.
  if (!closeCurrent(false, () => open(kind, opts))) return null;
  const { title, body, footer, isDirty, onClose, onOpen, wide, variant, focus } = opts;
  const host = kind === "panel" ? $("#panneau") : $("#modale");
  const box = kind === "panel" ? host : host.firstElementChild;
  clear(box);
  box.classList.toggle("wide", Boolean(wide));
  // A box of its own shape (the sheet's page): styled by `[data-variante]`, reset on each open.
  if (variant) box.dataset.variante = variant;
  else delete box.dataset.variante;
  const titleId = `titre-${kind}`;
  box.setAttribute("aria-labelledby", titleId);
  box.append(
    el("div", { class: "box-head" },
      el("h2", { id: titleId }, title),
      iconButton("fermer", "Fermer (Échap)", () => closeCurrent())),
    el("div", { class: "box-body" }, body),
  );
  if (footer) box.append(el("div", { class: "box-foot" }, footer));
  current = { kind, isDirty, onClose, returnFocus: document.activeElement };
  host.hidden = false;
  // `focus`: the control to start on when it is not the first field (the import's drop zone).
  const first = (focus && box.querySelector(focus)) || box.querySelector("input:not([type=hidden]), select, textarea, button.primary") || box;
  first.focus();
  if (onOpen) onOpen();
  return box;
}

export const panel = (opts) => open("panel", opts);
export const modal = (opts) => open("modal", opts);

// ----- confirmation ----------------------------------------------------------------------

let asking = null; // {finish, box}

/**
 * Asks a question above whatever is open (the form underneath stays as it is); resolves true
 * when confirmed. It opens with the focus on the safe choice (*Annuler*): Enter cancels, and
 * the confirming button acts only once the person moved to it (Tab) or clicked it. Esc, or a
 * click beside the dialog, cancels. `body` adds nodes under the lines (a list, a table).
 */
export function confirmDialog({ title, lines = [], body = null, confirmLabel, cancelLabel = "Annuler", danger = false, wide = false }) {
  if (asking) asking.finish(false);
  const host = $("#confirmation");
  const box = host.firstElementChild;
  return new Promise((resolve) => {
    const returnFocus = document.activeElement;
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      asking = null;
      host.hidden = true;
      clear(box);
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
      resolve(v);
    };
    clear(box);
    box.classList.toggle("wide", wide);
    box.setAttribute("aria-labelledby", "titre-confirmation");
    const cancel = button(cancelLabel, { id: "btn-confirmation-annuler", onclick: () => finish(false) });
    const ok = button(confirmLabel, { primary: !danger, danger, id: "btn-confirmation-ok", onclick: () => finish(true) });
    box.append(
      el("div", { class: "box-head" }, el("h2", { id: "titre-confirmation" }, title)),
      el("div", { class: "box-body confirm" }, lines.map((l) => el("p", {}, l)), body),
      el("div", { class: "box-foot" }, cancel, ok),
    );
    asking = { finish, box, since: performance.now() };
    host.hidden = false;
    cancel.focus();
  });
}

/** The controls of a dialog that Tab stops on, in order: enabled and shown. */
function tabStops(box) {
  return [...box.querySelectorAll("button:not([disabled]), a[href], input:not([disabled]), select, textarea")]
    .filter((x) => x.getClientRects().length > 0);
}

// Keys go to the confirmation first: Esc cancels it (and nothing underneath), Tab stays inside.
document.addEventListener(
  "keydown",
  (e) => {
    if (!asking) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopImmediatePropagation();
      asking.finish(false);
    } else if (e.key === "Tab" || e.keyCode === 9 || e.key === "ISO_Left_Tab") {
      const items = tabStops(asking.box);
      if (!items.length) return;
      e.preventDefault();
      const i = items.indexOf(document.activeElement);
      const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length;
      items[next].focus();
    } else if (!asking.box.contains(e.target)) {
      // Nothing behind the dialog answers the keyboard while it asks.
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  },
  true,
);

// A double click on what opens the dialog (a row's Supprimer) presses the backdrop the second
// time: a press that soon after the opening is that double click, not a click beside the dialog.
const DOUBLE_CLICK_MS = 500;

$("#confirmation").addEventListener("mousedown", (e) => {
  if (!asking || e.target !== $("#confirmation")) return;
  // Ignored, and the keyboard stays on *Annuler* (a press on the backdrop would take it away).
  if (performance.now() - asking.since < DOUBLE_CLICK_MS) e.preventDefault();
  else asking.finish(false);
});

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && current) {
    e.preventDefault();
    closeCurrent();
  }
});

// Tab stays inside an open dialog (`aria-modal`: the page behind is out of reach): past its last
// control it comes back to the first, and a redraw that left the focus on the page's body
// starts again inside.
document.addEventListener("keydown", (e) => {
  if (asking || !current || current.kind !== "modal" || e.key !== "Tab") return;
  const items = tabStops($("#modale").firstElementChild);
  if (!items.length) return;
  const i = items.indexOf(document.activeElement);
  const last = items.length - 1;
  if (i === -1 || (!e.shiftKey && i === last) || (e.shiftKey && i === 0)) {
    e.preventDefault();
    items[e.shiftKey ? last : 0].focus();
  }
});

$("#modale").addEventListener("mousedown", (e) => {
  if (e.target === $("#modale")) closeCurrent();
});

// ----- long work: its bar, its counts, its Annuler -----------------------------------------

/** The error a stopped piece of work ends with (the core's `Error::Cancelled`). */
export const CANCELLED = "annule";

/** How far `p` is, in words: « 12 345 lignes lues · 35 % », « 120 000 sur 200 000 utilisateurs ». */
export function progressText(p) {
  if (p.tache === "export") return `${count(p.fait)} sur ${count(p.total)} ${pluriel(p.total, "utilisateur", "utilisateurs")}`;
  const pct = p.total > 0 ? ` · ${Math.floor((Math.min(p.fait, p.total) * 100) / p.total)} %` : "";
  return `${count(p.lignes)} ${pluriel(p.lignes, "ligne lue", "lignes lues")}${pct}`;
}

/** An *Annuler* that asks `task` to stop; pressed, it says so until the work answers. */
function stopButton(task, id) {
  const b = button("Annuler", {
    id,
    onclick: async () => {
      b.disabled = true;
      b.textContent = "Annulation…";
      await api.annulerTravail(task).catch(() => {});
    },
  });
  return b;
}

/** Long work shown where it was started: `label`, the bar, the counts as they come, and *Annuler*
 * (the work stops at its next step and keeps nothing). */
export function workPanel(task, label) {
  return el("div", { class: "work-panel" },
    el("p", { class: "busy" }, label),
    el("progress", { "data-tache": task, class: "wide-progress" }),
    el("div", { class: "work-foot" },
      el("span", { class: "muted small counts", "data-compte": task }, "Démarrage…"),
      stopButton(task, `btn-annuler-${task}`)));
}

let workDepth = 0;

/** Shows `label` with a progress bar in the status line while `promise` runs; with `task`, its
 * counts and an *Annuler*. */
export async function working(label, promise, task = null) {
  const box = $("#statut-travail");
  const bar = $("#statut-progression");
  workDepth += 1;
  $("#statut-travail-texte").textContent = label;
  const counts = $("#statut-travail-compte");
  counts.textContent = "";
  counts.dataset.compte = task || "";
  const stop = $("#statut-travail-annuler");
  clear(stop);
  if (task) stop.append(stopButton(task, `btn-annuler-${task}`));
  bar.removeAttribute("value");
  box.hidden = false;
  try {
    return await promise;
  } finally {
    workDepth -= 1;
    if (workDepth === 0) {
      box.hidden = true;
      clear(stop);
    }
  }
}

export function progress(p) {
  const bar = $("#statut-progression");
  if (p.total > 0) {
    bar.max = p.total;
    bar.value = Math.min(p.fait, p.total);
  }
  for (const b of document.querySelectorAll("progress[data-tache]")) {
    if (b.dataset.tache === p.tache && p.total > 0) {
      b.max = p.total;
      b.value = Math.min(p.fait, p.total);
    }
  }
  for (const c of document.querySelectorAll("[data-compte]")) {
    if (c.dataset.compte === p.tache) c.textContent = progressText(p);
  }
}
