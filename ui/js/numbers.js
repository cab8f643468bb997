// Numéros: the blocked numbers and prefixes (no account may call them) and the privileged
// numbers (lawyers, consulates: every account may call them, never recorded), each with who
// added it and when; add, remove after a confirmation, one search box filtering both lists.
// Blocking a number that keys hold asks first, naming the accounts (the core finds them).

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { count, dateTime } from "./format.js";
import { button, iconButton, field, modal, close, toast, confirmDialog, capitalize } from "./ui.js";
import { nombre } from "./fr.js";

/** Lower case, accents and number separators away: « Hédi », « +216 27 » match as typed. */
function fold(s) {
  return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}
const compact = (s) => s.replace(/[\s.\-/()]/g, "");

function matches(query, values) {
  const q = fold(query).trim();
  if (!q) return true;
  const hay = fold(values.join(" "));
  return hay.includes(q) || compact(hay).includes(compact(q));
}

/** A modal form: fields, a checkbox or two, the error line; Enter saves, Esc closes. */
function formModal({ title, fields, extra = [], saveLabel, onSave }) {
  const message = el("div", { class: "form-error", role: "alert" });
  const form = el("form", { class: "number-form", novalidate: true }, fields.map((f) => f.wrap), extra, message);
  const save = button(saveLabel, { primary: true, type: "submit", id: "btn-numero-enregistrer" });
  const initial = () => fields.map((f) => f.input.value).join("\u0000");
  const start = initial();
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    save.disabled = true;
    message.textContent = "";
    try {
      await onSave((m) => {
        message.textContent = capitalize(m);
      });
    } finally {
      busy = false;
      save.disabled = false;
    }
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && e.target.type !== "checkbox") {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  save.addEventListener("click", (e) => {
    e.preventDefault();
    form.requestSubmit();
  });
  modal({
    title,
    body: form,
    footer: [button("Annuler", { onclick: () => close() }), save],
    isDirty: () => initial() !== start,
  });
  fields[0].input.focus();
}

export function renderNumbers(host) {
  clear(host);
  const filter = el("input", { type: "search", id: "filtre-numeros", placeholder: "Filtrer : numéro, motif, libellé, opérateur…", "aria-label": "Filtrer les numéros" });
  const blockedRows = el("tbody");
  const privilegedRows = el("tbody");
  const blockedCount = el("span", { class: "tab-count", id: "compte-interdits" });
  const privilegedCount = el("span", { class: "tab-count", id: "compte-privilegies" });
  let data = { interdits: [], privilegies: [] };
  let failed = null; // the last read failed: said in both tables, never « Aucun numéro »

  const emptyRow = (cols, text) => el("tr", { class: "empty-row" }, el("td", { colspan: String(cols), class: "empty-inline" }, text));
  const counted = (shown, total, one, many) =>
    shown === total ? nombre(total, one, many) : `${count(shown)} sur ${nombre(total, one, many)}`;

  function show() {
    if (failed) {
      clear(blockedRows);
      clear(privilegedRows);
      blockedRows.append(emptyRow(5, `Lecture impossible : ${failed}`));
      privilegedRows.append(emptyRow(6, `Lecture impossible : ${failed}`));
      blockedCount.textContent = "";
      privilegedCount.textContent = "";
      return;
    }
    const q = filter.value;
    const blocked = data.interdits.filter((b) => matches(q, [b.motif, b.raison, b.operateur, dateTime(b.date)]));
    const privileged = data.privilegies.filter((p) =>
      matches(q, [p.numero, p.libelle, p.gratuit ? "gratuit" : "facturé", p.operateur, dateTime(p.date)]));
    clear(blockedRows);
    clear(privilegedRows);
    for (const b of blocked) {
      blockedRows.append(el("tr", { "data-motif": b.motif },
        el("td", { class: "mono" }, b.motif),
        el("td", { class: "wrap", dir: "auto" }, b.raison),
        el("td", {}, b.operateur),
        el("td", { class: "num" }, dateTime(b.date)),
        el("td", { class: "cell-action" }, iconButton("supprimer", `Retirer l'interdiction de ${b.motif}`, () => unblock(b), { danger: true }))));
    }
    for (const p of privileged) {
      privilegedRows.append(el("tr", { "data-numero": p.numero },
        el("td", { class: "mono" }, p.numero),
        el("td", { class: "wrap", dir: "auto" }, p.libelle),
        el("td", {}, el("span", { class: `badge ${p.gratuit ? "badge-ok" : "badge-neutre"}` }, p.gratuit ? "Gratuits" : "Facturés")),
        el("td", {}, p.operateur),
        el("td", { class: "num" }, dateTime(p.date)),
        el("td", { class: "cell-action" }, iconButton("supprimer", `Retirer ${p.numero} des numéros privilégiés`, () => unprivilege(p), { danger: true }))));
    }
    const none = (what) => (q.trim() ? `Aucun ${what} ne correspond à « ${q.trim()} ».` : null);
    if (!blocked.length) blockedRows.append(emptyRow(5, none("numéro interdit") || "Aucun numéro interdit. « Interdire un numéro… » en ajoute un."));
    if (!privileged.length) privilegedRows.append(emptyRow(6, none("numéro privilégié") || "Aucun numéro privilégié. « Ajouter un numéro privilégié… » en ajoute un (avocat, consulat…)."));
    blockedCount.textContent = counted(blocked.length, data.interdits.length, "numéro", "numéros");
    privilegedCount.textContent = counted(privileged.length, data.privilegies.length, "numéro", "numéros");
  }

  async function load() {
    try {
      data = await api.numeros();
      failed = null;
    } catch (err) {
      // A list that could not be read must not read as « no number blocked ».
      failed = err.message;
    }
    show();
  }

  function block() {
    const fNum = field("Numéro ou préfixe", { key: "numero", required: true, inputmode: "tel", hint: "98765432, +21698765432, ou un début de numéro suivi de * : +2168* interdit tous les numéros qui commencent par +2168" });
    const fWhy = field("Motif", { key: "raison", required: true, maxlength: 200, hint: "Pourquoi ce numéro est interdit : plainte de la victime, numéro surtaxé…" });
    formModal({
      title: "Interdire un numéro",
      fields: [fNum, fWhy],
      saveLabel: "Interdire",
      onSave: async (fail) => {
        try {
          let r = await api.interdireNumero(fNum.input.value, fWhy.input.value, false);
          if (!r.interdit) {
            // Keys hold it: say whose, and block only once confirmed.
            const ok = await confirmDialog({
              title: `Interdire ${r.motif} ?`,
              lines: [r.question],
              confirmLabel: "Interdire quand même",
              danger: true,
              wide: true,
            });
            if (!ok) return;
            r = await api.interdireNumero(fNum.input.value, fWhy.input.value, true);
          }
          close(true);
          toast(`Numéro ${r.motif} interdit`);
          load();
        } catch (err) {
          fail(err.message);
        }
      },
    });
  }

  function privilege() {
    const fNum = field("Numéro", { key: "numero", required: true, inputmode: "tel", hint: "Un numéro entier : 71000111, +21671000111" });
    const fLabel = field("Libellé", { key: "libelle", required: true, maxlength: 80, hint: "À qui il appartient : Avocat Me Trabelsi, Consulat de France…" });
    const free = el("input", { type: "checkbox", "data-champ": "gratuit", id: "numero-gratuit" });
    formModal({
      title: "Ajouter un numéro privilégié",
      fields: [fNum, fLabel],
      extra: [el("label", { class: "check", for: "numero-gratuit" }, free, " Gratuit : les appels vers ce numéro ne coûtent rien"),
        el("p", { class: "muted small" }, "Tout compte peut l'appeler sans qu'il soit sur ses touches ; ces appels ne sont jamais enregistrés.")],
      saveLabel: "Ajouter",
      onSave: async (fail) => {
        try {
          const p = await api.privilegierNumero(fNum.input.value, fLabel.input.value, free.checked);
          close(true);
          toast(`Numéro ${p.numero} privilégié (${p.libelle})`);
          load();
        } catch (err) {
          fail(err.message);
        }
      },
    });
  }

  async function unblock(b) {
    const ok = await confirmDialog({
      title: `Retirer l'interdiction de ${b.motif} ?`,
      lines: [`Interdit pour : ${b.raison}`, `Par ${b.operateur}, le ${dateTime(b.date)}.`, "Les comptes pourront de nouveau appeler ce numéro s'il est sur leurs touches."],
      confirmLabel: "Retirer l'interdiction",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.retirerInterdiction(b.motif);
      toast(`Numéro ${b.motif} de nouveau autorisé`);
      // Its row (and the × that had the keyboard) is gone: the keyboard goes to the filter.
      await load();
      filter.focus({ preventScroll: true });
    } catch (err) {
      toast(err.message, "error");
    }
  }

  async function unprivilege(p) {
    const ok = await confirmDialog({
      title: `Retirer ${p.numero} des numéros privilégiés ?`,
      lines: [p.libelle, "Il ne pourra plus être appelé que depuis les touches d'un compte, et ces appels pourront être enregistrés."],
      confirmLabel: "Retirer",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.retirerPrivilege(p.numero);
      toast(`Numéro ${p.numero} retiré des numéros privilégiés`);
      await load();
      filter.focus({ preventScroll: true });
    } catch (err) {
      toast(err.message, "error");
    }
  }

  filter.addEventListener("input", show);
  filter.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && filter.value) {
      e.preventDefault();
      filter.value = "";
      show();
    }
  });
  const head = (cols) => el("thead", {}, el("tr", {}, cols.map(([h, cls]) => el("th", { class: cls || "" }, h))));
  /** One list of the screen: its title and count, its button, what it does, its table. */
  const section = (key, title, count, action, help, cols, rows) =>
    el("section", { id: `numeros-${key}`, "aria-labelledby": `titre-${key}` },
      el("div", { class: "section-head" }, el("h3", { id: `titre-${key}` }, title, count), action),
      el("p", { class: "muted small" }, help),
      el("table", { class: "mini-grid", id: `table-${key}` },
        head([...cols, [el("span", { class: "visually-hidden" }, "Retirer")]]), rows));
  host.append(el("div", { class: "page-inner" },
    el("div", { class: "section-head" }, el("h2", {}, "Numéros"), filter),
    section("interdits", "Numéros interdits ", blockedCount,
      button("Interdire un numéro…", { id: "btn-interdire", onclick: block }),
      "Aucun compte ne peut les appeler, et aucune touche ne peut en recevoir un.",
      [["Numéro ou préfixe"], ["Motif"], ["Par"], ["Date", "num"]], blockedRows),
    section("privilegies", "Numéros privilégiés ", privilegedCount,
      button("Ajouter un numéro privilégié…", { id: "btn-privilegier", onclick: privilege }),
      "Avocats, consulats… : tout compte peut les appeler sans qu'ils soient sur ses touches ; jamais enregistrés.",
      [["Numéro"], ["Libellé"], ["Appels"], ["Par"], ["Date", "num"]], privilegedRows)));
  load();
  filter.focus();
}
