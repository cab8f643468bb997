// Journal: the audit log, newest first, filtered by a text.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { dateTime } from "./format.js";
import { button } from "./ui.js";
import { nombre } from "./fr.js";

const PAGE = 200;

export function renderJournal(host) {
  clear(host);
  const filter = el("input", { type: "search", id: "filtre-journal", placeholder: "Filtrer : action, nom, matricule, opérateur…" });
  const rows = el("tbody");
  const more = button("Afficher plus", { onclick: () => load(false) });
  const info = el("span", { class: "muted small" });
  let loaded = 0;
  let gen = 0;
  const load = async (reset) => {
    const g = ++gen;
    const entries = await api.journal({ texte: filter.value, limite: PAGE, decalage: reset ? 0 : loaded });
    if (g !== gen) return;
    if (reset) {
      loaded = 0;
      clear(rows);
    }
    loaded += entries.length;
    for (const e of entries) {
      rows.append(el("tr", {},
        el("td", { class: "num" }, dateTime(e.date)),
        el("td", {}, e.operateur),
        el("td", {}, e.action),
        el("td", { class: "mono" }, e.matricule || ""),
        el("td", { dir: "auto" }, e.nom || ""),
        el("td", { class: "wrap", dir: "auto" }, e.details)));
    }
    info.textContent = loaded ? nombre(loaded, "entrée affichée", "entrées affichées") : "Aucune entrée.";
    more.hidden = entries.length < PAGE;
  };
  filter.addEventListener("input", () => load(true));
  host.append(el("div", { class: "page-inner" },
    el("div", { class: "section-head" }, el("h2", {}, "Journal"), filter),
    el("table", { class: "mini-grid journal", id: "table-journal" },
      el("thead", {}, el("tr", {}, ["Date", "Opérateur", "Action", "Matricule", "Nom", "Détails"].map((h, i) => el("th", { class: i === 0 ? "num" : "" }, h)))),
      rows),
    el("div", { class: "list-foot" }, info, more)));
  load(true);
  filter.focus();
}
