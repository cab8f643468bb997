// Journal: the audit log, newest first, filtered by a text.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { dateTime } from "./format.js";
import { nombre } from "./fr.js";
import { pager } from "./paging.js";

const PAGE = 200;

export function renderJournal(host) {
  clear(host);
  const filter = el("input", { type: "search", id: "filtre-journal", placeholder: "Filtrer : action, nom, matricule, opérateur…" });
  const rows = el("tbody");
  const info = el("span", { class: "muted small" });
  const { more, load } = pager({
    page: PAGE,
    rows,
    fetch: async (after, n) => ({ items: await api.journal({ texte: filter.value, limite: n, apres: after }), total: null }),
    row: (e) => el("tr", {},
      el("td", { class: "num" }, dateTime(e.date)),
      el("td", {}, e.operateur),
      el("td", {}, e.action),
      el("td", { class: "mono" }, e.matricule || ""),
      el("td", { dir: "auto" }, e.nom || ""),
      el("td", { class: "wrap", dir: "auto" }, e.details)),
    foot: (r, loaded) => {
      info.textContent = r === null ? "" : loaded ? nombre(loaded, "entrée affichée", "entrées affichées") : "Aucune entrée.";
    },
  });
  // A failed read is said in the table (pager): nothing more to do with it here.
  const show = () => load(true).catch(() => {});
  filter.addEventListener("input", show);
  host.append(el("div", { class: "page-inner" },
    el("div", { class: "section-head" }, el("h2", {}, "Journal"), filter),
    el("table", { class: "mini-grid journal", id: "table-journal" },
      el("thead", {}, el("tr", {}, ["Date", "Opérateur", "Action", "Matricule", "Nom", "Détails"].map((h, i) => el("th", { class: i === 0 ? "num" : "" }, h)))),
      rows),
    el("div", { class: "list-foot" }, info, more)));
  show();
  filter.focus();
}
