// Télécharger historique des appels: the calls of one account for a period, and the CSV saved
// through the native dialog. The days are read by Rust (a day that does not exist, an inverted
// period come back under their field); the footer always counts the rows the table shows.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { amount, dateTime, duration } from "./format.js";
import { button, field, panel, toast, working, showFieldErrors } from "./ui.js";
import { nombre } from "./fr.js";

const PAGE = 100;

export function openHistory(account) {
  const a = account;
  const fFrom = field("Du", { key: "depuis", hint: "jj/mm/aaaa ; vide : depuis le début" });
  const fTo = field("Au (inclus)", { key: "jusqua", hint: "jj/mm/aaaa ; vide : jusqu'à aujourd'hui" });
  fFrom.input.placeholder = "jj/mm/aaaa";
  fTo.input.placeholder = "jj/mm/aaaa";
  const rows = el("tbody");
  const count = el("span", { class: "muted small" });
  const more = button("Afficher plus", { onclick: () => load(false) });
  const message = el("div", { class: "form-error", role: "alert" });
  let loaded = 0;
  let gen = 0;
  const period = () => ({ du: fFrom.input.value, au: fTo.input.value });
  const dateFields = [fFrom, fTo];
  /** The footer from what the table holds: "3 appels", "100 sur 250 appels". */
  const showCount = (total) => {
    if (total === null) count.textContent = "";
    else if (!total) count.textContent = "Aucun appel sur cette période.";
    else count.textContent = loaded >= total ? nombre(total, "appel", "appels") : `${loaded} sur ${nombre(total, "appel", "appels")}`;
    more.hidden = total === null || loaded >= total;
  };

  const load = async (reset) => {
    // Only the last request fills the table: a slower earlier answer is dropped.
    const g = ++gen;
    const from = reset ? 0 : loaded;
    try {
      const r = await api.historique(a.id, period(), PAGE, from);
      if (g !== gen) return;
      message.textContent = "";
      for (const f of dateFields) f.setError("");
      if (reset) {
        loaded = 0;
        clear(rows);
      }
      loaded += r.appels.length;
      for (const c of r.appels) {
        rows.append(
          el("tr", { class: c.hors_touches ? "flagged" : "" },
            el("td", { class: "num" }, dateTime(c.date)),
            el("td", { class: "mono" }, c.numero),
            el("td", { class: "num" }, c.touche ?? ""),
            el("td", { class: "num" }, duration(c.duree_s)),
            el("td", { class: "num" }, amount(c.cout)),
            el("td", { class: "num" }, c.solde_apres === null ? "" : amount(c.solde_apres)),
            el("td", {}, c.statut),
            el("td", {}, c.hors_touches ? el("span", { class: "badge badge-forfait", title: "Numéro hors des touches du compte" }, "Hors touches") : "")),
        );
      }
      showCount(r.total);
    } catch (err) {
      if (g !== gen) return;
      // A wrong period shows no calls at all, rather than those of the previous one.
      loaded = 0;
      clear(rows);
      showCount(null);
      message.textContent = showFieldErrors(dateFields, err);
    }
  };
  fFrom.input.addEventListener("change", () => load(true));
  fTo.input.addEventListener("change", () => load(true));

  const download = async () => {
    const p = period();
    const nom = `historique-${a.matricule}.csv`;
    const chemin = await api.choisirDestination("Télécharger l'historique des appels", nom);
    if (!chemin) return;
    try {
      const n = await working("Export de l'historique…", api.exporterHistorique(a.id, p, chemin));
      toast(`Historique enregistré : ${nombre(n, "appel", "appels")}`);
    } catch (err) {
      if (err.champs && err.champs.length) message.textContent = showFieldErrors(dateFields, err);
      else toast(err.message, "error");
    }
  };

  panel({
    title: `Historique des appels — ${a.nom}`,
    body: el("div", {},
      el("div", { class: "period" }, fFrom.wrap, fTo.wrap, button("Télécharger historique des appels", { primary: true, onclick: download, id: "btn-telecharger-historique" })),
      message,
      el("table", { class: "mini-grid" },
        el("thead", {}, el("tr", {}, ["Date", "Numéro", "Touche", "Durée", "Coût", "Solde après", "Statut", ""].map((h, i) => el("th", { class: [0, 2, 3, 4, 5].includes(i) ? "num" : "" }, h)))),
        rows),
      el("div", { class: "list-foot" }, count, more)),
    wide: true,
  });
  load(true);
}
