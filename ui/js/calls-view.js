// Appels et tarifs: load the telephony server's call records (preview, then load), and the
// tariffs that price them.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { amount, money, count, currencyInfo } from "./format.js";
import { button, toast, confirmDialog, workPanel, holding, oneAtATime, CANCELLED } from "./ui.js";
import { nombre, pluriel } from "./fr.js";
import { dropZone } from "./dropzone.js";
import { refusingDrops } from "./drop.js";

/** What a file dropped while a Master.csv is read or loaded is told. */
const BUSY_CALLS = "Un relevé d'appels est déjà en cours de lecture : attendez la fin ou annulez-la.";
/** What leaving the screen while a Master.csv is read or loaded is told (main.js). */
const STAYING = (work) => `${work} en cours : l'écran reste affiché jusqu'à la fin. Pour l'arrêter, cliquez sur « Annuler » sous la barre de progression.`;

function notices(title, list) {
  if (!list.length) return null;
  return el("details", { class: "notices", open: list.length <= 10 },
    el("summary", {}, `${title} (${count(list.length)})`),
    el("ul", {}, list.map((n) => el("li", {}, n.texte || String(n)))));
}

/** Every prefix that disappears, changes or appears, for the confirmation before an import. */
function changeTable(d) {
  const rows = [
    ...d.disparus.map((t) => ["Disparaît", t.prefixe, t.libelle, amount(t.prix_minute)]),
    ...d.modifies.map((c) => ["Modifié", c.apres.prefixe, c.apres.libelle,
      c.avant.prix_minute === c.apres.prix_minute ? amount(c.apres.prix_minute) : `${amount(c.avant.prix_minute)} → ${amount(c.apres.prix_minute)}`]),
    ...d.ajoutes.map((t) => ["Ajouté", t.prefixe, t.libelle, amount(t.prix_minute)]),
  ];
  if (!rows.length) return null;
  return el("table", { class: "mini-grid", id: "changement-tarifs" },
    el("thead", {}, el("tr", {}, ["Changement", "Préfixe", "Libellé", `Prix / minute (${currencyInfo().code})`].map((h, i) => el("th", { class: i === 3 ? "num" : "" }, h)))),
    el("tbody", {}, rows.map(([k, p, l, prix]) => el("tr", { class: k === "Disparaît" ? "flagged" : "" },
      el("td", {}, k), el("td", { class: "mono" }, p), el("td", { dir: "auto" }, l), el("td", { class: "num" }, prix)))));
}

/**
 * The screen. While a Master.csv is read or loaded, the screen may not be left (main.js reads
 * the mark `holding` puts): its outcome — a failure, the clerk's Annuler — is then always said
 * where the work is shown, and no second screen starts a reading that would share its Annuler.
 */
export function renderCallsView(host, onChanged) {
  clear(host);
  const column = el("select", { id: "colonne-compte" },
    el("option", { value: "accountcode" }, "accountcode (code de compte)"),
    el("option", { value: "src" }, "src (appelant)"));
  const callsBox = el("div", { class: "calls-box" });
  const tariffsBox = el("div");

  /** The drop zone again; after `err`, its message, or `stopped` when the clerk stopped the work. */
  const showStart = (err = null, stopped = "") => {
    clear(callsBox);
    if (err?.code === CANCELLED) callsBox.append(el("p", { class: "notice-line", role: "status", id: "appels-annule" }, stopped));
    else if (err) callsBox.append(el("div", { class: "form-error", role: "alert" }, err.message));
    callsBox.append(
      dropZone({ text: "Déposez le fichier Master.csv du serveur ou cliquez pour le choisir", title: "Charger les appels : choisir Master.csv", onFile: preview }),
      el("div", { class: "field inline" }, el("label", { for: "colonne-compte" }, "Compte retrouvé par"), column));
  };

  async function preview(file) {
    clear(callsBox);
    callsBox.append(workPanel("appels", "Lecture et tarification des appels…"));
    try {
      const r = await holding(callsBox, STAYING("Lecture du relevé"), refusingDrops(BUSY_CALLS, api.analyserAppels(file.jeton, column.value)));
      showReport(r);
    } catch (err) {
      showStart(err, "Lecture du relevé annulée : rien n'a été enregistré.");
    }
  }

  function showReport(r) {
    clear(callsBox);
    const stats = [
      ["lues", r.lignes_lues, pluriel(r.lignes_lues, "ligne lue", "lignes lues")],
      ["nouveaux", r.appels_charges, pluriel(r.appels_charges, "appel nouveau", "appels nouveaux")],
      ["deja", r.deja_charges, pluriel(r.deja_charges, "déjà chargé", "déjà chargés")],
      ["factures", r.appels_factures, `${pluriel(r.appels_factures, "facturé", "facturés")} : ${money(r.montant_total)}`],
      ["hors", r.hors_touches, "hors des touches"],
    ];
    callsBox.append(
      el("div", { class: "summary" }, stats.map(([k, n, l]) => el("div", { class: "stat" }, el("span", { class: "n", id: `appels-${k}` }, count(n)), el("span", {}, l)))),
      notices("Comptes inconnus", r.comptes_inconnus) || el("span"),
      notices("Numéros sans tarif", r.sans_tarif) || el("span"),
      notices("Lignes mal formées", r.erreurs.map((e) => ({ texte: e.texte }))) || el("span"),
      el("div", { class: "form-actions" },
        button("Annuler", { onclick: () => showStart() }),
        button(r.appels_charges === 0 ? "Rien de nouveau à charger" : r.appels_charges === 1 ? "Charger l'appel" : `Charger les ${count(r.appels_charges)} appels`, {
          primary: true,
          id: "btn-charger-appels",
          disabled: r.appels_charges === 0,
          onclick: () => load(r.jeton),
        })),
    );
    // The keyboard was on what the report replaced: it goes to the next step (or Annuler).
    (callsBox.querySelector(".form-actions .primary:not(:disabled)") || callsBox.querySelector(".form-actions button"))?.focus({ preventScroll: true });
  }

  async function load(jeton) {
    clear(callsBox);
    callsBox.append(workPanel("appels", "Chargement des appels…"));
    try {
      const r = await holding(callsBox, STAYING("Chargement des appels"), refusingDrops(BUSY_CALLS, api.chargerAppels(jeton, column.value)));
      toast(`${nombre(r.appels_charges, "appel chargé", "appels chargés")} ; total débité : ${money(r.montant_total)}`);
      showStart();
      onChanged();
    } catch (err) {
      showStart(err, "Chargement annulé : aucun appel n'a été enregistré ni débité.");
    }
  }

  async function showTariffs(errors) {
    clear(tariffsBox);
    // A failed read is said as such: « Aucun tarif » would send the clerk to import them again.
    let failed = null;
    const list = await api.tarifs().catch((err) => {
      failed = err;
      return [];
    });
    const code = currencyInfo().code;
    const importBtn = oneAtATime(button("Importer des tarifs", { id: "btn-importer-tarifs" }), async () => {
      const file = await api.choisirFichier("Importer des tarifs : choisir le fichier CSV");
      if (!file) return;
      try {
        // The file replaces the whole table: say what changes and ask first.
        const preview = await api.analyserTarifs(file.jeton);
        const d = preview.changement;
        if (!d) {
          showTariffs(preview.rapport.erreurs);
          return;
        }
        const ok = await confirmDialog({
          title: d.avant ? "Remplacer les tarifs ?" : "Importer les tarifs ?",
          lines: [`${d.resume}.`, d.disparus.length ? "Les appels vers un préfixe qui disparaît seront tarifés par un préfixe plus court, ou gardés sans coût s'il n'y en a aucun." : null].filter(Boolean),
          body: changeTable(d),
          confirmLabel: d.avant ? `Remplacer par ${nombre(d.apres, "tarif", "tarifs")}` : `Importer ${nombre(d.apres, "tarif", "tarifs")}`,
          danger: d.disparus.length > 0,
          wide: true,
        });
        if (!ok) {
          toast("Import des tarifs annulé : les tarifs en place n'ont pas changé");
          return;
        }
        const r = await api.importerTarifs(preview.jeton);
        if (r.ecrit) {
          toast(nombre(r.tarifs, "tarif importé", "tarifs importés"));
          showTariffs();
        } else {
          showTariffs(r.erreurs);
        }
      } catch (err) {
        toast(err.message, "error");
      }
    });
    // Drawn anew after an import: the button that had the keyboard is this one again.
    const lost = !document.activeElement || document.activeElement === document.body;
    tariffsBox.append(
      el("div", { class: "section-head" }, el("h2", {}, "Tarifs"), importBtn),
      el("p", { class: "muted small" }, "Fichier avec une ligne d'en-tête puis prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion. L'import remplace tous les tarifs : le changement est montré avant, à confirmer ; rien ne change si le fichier a une erreur."),
    );
    if (lost) importBtn.focus({ preventScroll: true });
    if (errors && errors.length) {
      tariffsBox.append(el("div", { class: "form-error", role: "alert" }, "Import refusé, les tarifs en place n'ont pas changé :"),
        el("ul", { class: "notices-list" }, errors.map((e) => el("li", {}, e.texte))));
    }
    if (failed) {
      tariffsBox.append(el("div", { class: "form-error", role: "alert" }, `Lecture des tarifs impossible : ${failed.message}`));
      return;
    }
    if (!list.length) {
      tariffsBox.append(el("p", { class: "empty-inline" }, "Aucun tarif : les appels seront gardés sans coût. Importez un fichier de tarifs."));
      return;
    }
    tariffsBox.append(el("table", { class: "mini-grid", id: "table-tarifs" },
      el("thead", {}, el("tr", {}, ["Préfixe", "Libellé", `Prix / minute (${code})`, "Bloc initial (s)", "Bloc (s)", `Frais de connexion (${code})`].map((h, i) => el("th", { class: i >= 2 ? "num" : "" }, h)))),
      el("tbody", {}, list.map((t) => el("tr", {},
        el("td", { class: "mono" }, t.prefixe),
        el("td", {}, t.libelle),
        el("td", { class: "num" }, amount(t.prix_minute)),
        el("td", { class: "num" }, t.bloc_initial_s),
        el("td", { class: "num" }, t.bloc_s),
        el("td", { class: "num" }, amount(t.frais_connexion)))))));
  }

  host.append(
    el("div", { class: "page-inner" },
      el("section", {}, el("div", { class: "section-head" }, el("h2", {}, "Charger les appels")),
        el("p", { class: "muted small" }, "Relevés Asterisk (Master.csv). Chaque appel répondu est tarifé et débité du solde (si le calcul billing est activé) et compte dans la durée totale ; recharger un fichier ne change rien."),
        callsBox),
      el("section", {}, tariffsBox)));
  showStart();
  showTariffs();
}
