// Télécharger historique des appels: the calls of one account for a period, and the CSV saved
// through the native dialog.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { amount, dateTime, duration, parseDay } from "./format.js";
import { button, field, panel, toast, working } from "./ui.js";
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
  const period = () => {
    const depuis = parseDay(fFrom.input.value);
    const jusqua = parseDay(fTo.input.value, true);
    fFrom.setError(Number.isNaN(depuis) ? "date invalide : écrivez jj/mm/aaaa" : "");
    fTo.setError(Number.isNaN(jusqua) ? "date invalide : écrivez jj/mm/aaaa" : "");
    if (Number.isNaN(depuis) || Number.isNaN(jusqua)) return null;
    return { depuis, jusqua };
  };

  const load = async (reset) => {
    message.textContent = "";
    if (reset) {
      loaded = 0;
      clear(rows);
    }
    const p = period();
    if (!p) return;
    try {
      const r = await api.historique(a.id, p, PAGE, loaded);
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
      count.textContent = r.total ? `${loaded} sur ${r.total} appels` : "Aucun appel sur cette période.";
      more.hidden = loaded >= r.total;
    } catch (err) {
      message.textContent = err.message;
    }
  };
  fFrom.input.addEventListener("change", () => load(true));
  fTo.input.addEventListener("change", () => load(true));

  const download = async () => {
    const p = period();
    if (!p) return;
    const nom = `historique-${a.matricule}.csv`;
    const chemin = await api.choisirDestination("Télécharger l'historique des appels", nom);
    if (!chemin) return;
    try {
      const n = await working("Export de l'historique…", api.exporterHistorique(a.id, p, chemin));
      toast(`Historique enregistré : ${nombre(n, "appel", "appels")}`);
    } catch (err) {
      toast(err.message, "error");
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
