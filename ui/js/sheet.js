// Imprimer: the account sheet, laid out from the text Rust gives (the PDF's own content, in the
// same order, with the same labels). It is shown as a page in a dialog and copied into
// #fiche-impression, the only element the print stylesheet lets through; Rust then opens the
// system's print dialog on the window. « Enregistrer en PDF » writes the PDF of the same content.

import { api } from "./api.js";
import { $, el, clear, nom } from "./dom.js";
import { de } from "./fr.js";
import { button, modal, close, toast, oneAtATime } from "./ui.js";

/** Columns of the movements table whose values are amounts (right-aligned). */
const AMOUNTS = [2, 3];
/** Keys per row of the keys grid, as on the PDF (two rows of five). */
const KEYS_PER_ROW = 5;

/** The sheet as DOM, built from text only (a name or a reason is never parsed as HTML). */
export function sheetNode(c) {
  const section = (s) =>
    el("section", { class: "sheet-section" },
      el("h2", {}, s.titre),
      el("dl", { class: "sheet-rows" },
        s.lignes.map((r) =>
          el("div", { class: "sheet-row" },
            el("dt", {}, r.libelle),
            // Names in any script: an Arabic name reads right to left in its place.
            el("dd", { class: r.gras ? "strong" : "", dir: "auto" }, r.valeur)))));

  const keyRows = [];
  for (let i = 0; i < c.touches.length; i += KEYS_PER_ROW) {
    const group = c.touches.slice(i, i + KEYS_PER_ROW);
    keyRows.push(
      el("tr", { class: "sheet-keys-head" }, group.map((k) => el("th", { scope: "col" }, k.libelle))),
      el("tr", {}, group.map((k) => el("td", { class: "mono" }, k.numero))),
    );
  }

  const moves = c.mouvements.length
    ? el("table", { class: "sheet-moves" },
      el("thead", {}, el("tr", {}, c.entetes_mouvements.map((h, i) => el("th", { scope: "col", class: AMOUNTS.includes(i) ? "num" : "" }, h)))),
      el("tbody", {}, c.mouvements.map((m) =>
        el("tr", {}, m.map((v, i) => el("td", { class: AMOUNTS.includes(i) ? "num" : i === 0 ? "date" : "", dir: i === 4 ? "auto" : null }, v))))))
    : el("p", { class: "sheet-none" }, c.aucun_mouvement);

  return el("article", { class: "sheet", lang: "fr" },
    el("header", { class: "sheet-head" },
      el("div", {}, el("h1", {}, c.titre), el("p", { class: "sheet-sub" }, c.sous_titre)),
      el("p", { class: "sheet-date" }, c.imprimee_le)),
    c.sections.map(section),
    el("section", { class: "sheet-section" },
      el("h2", {}, c.titre_touches),
      el("table", { class: "sheet-keys" }, el("tbody", {}, keyRows))),
    el("section", { class: "sheet-section" }, el("h2", {}, c.titre_mouvements), moves),
    el("footer", { class: "sheet-foot" }, el("span", {}, c.pied), el("span", {}, c.page)));
}

/** Resolves once what was just put in the page has been painted. */
const painted = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));

/** Opens the system's print dialog on the sheet laid out in #fiche-impression. */
async function printLaidOut() {
  // The dialog holds the window's loop while it is open (GTK): the preview is painted first,
  // so that the person sees which sheet they are printing behind it.
  await painted();
  try {
    await api.imprimerFenetre();
  } catch (err) {
    toast(err.message, "error");
  }
}

/** Enregistrer en PDF: the PDF of the same sheet, in the folder « fiches », opened if possible. */
async function savePdf(a) {
  try {
    const r = await api.enregistrerFichePdf(a.id);
    document.body.dataset.derniereFiche = r.chemin;
    close(true);
    if (r.ouverte) {
      toast(`Fiche ${de(a.nom)} enregistrée en PDF et ouverte`);
    } else {
      // No PDF viewer answered: say where the sheet is, and open its folder on request.
      toast(`La fiche ${de(a.nom)} est enregistrée, mais aucun lecteur de PDF n'a pu l'ouvrir. Fichier : ${r.chemin}`, "warn", {
        action: { label: "Ouvrir le dossier", run: () => api.ouvrirDossier("fiches").catch((e) => toast(e.message, "error")) },
        ms: 15000,
      });
    }
    if (r.attention) toast(r.attention, "warn", { ms: 15000 });
  } catch (err) {
    toast(err.message, "error");
  }
}

/**
 * Imprimer (row action): the sheet is shown in a dialog and the system's print dialog opens on
 * it at once (printer, copies, pages); the dialog stays behind it with « Enregistrer en PDF »
 * and « Imprimer… » for another copy.
 */
export async function printSheet(a) {
  let c;
  try {
    c = await api.ficheCompte(a.id);
  } catch (err) {
    toast(err.message, "error");
    return;
  }
  const holder = $("#fiche-impression");
  clear(holder);
  holder.append(sheetNode(c));
  const print = oneAtATime(button("Imprimer…", { primary: true, id: "btn-fiche-imprimer" }), printLaidOut);
  modal({
    title: ["Fiche du compte — ", nom(a.nom)],
    body: el("div", { class: "sheet-preview" }, el("div", { class: "sheet-paper" }, sheetNode(c))),
    footer: [
      button("Fermer", { onclick: () => close() }),
      oneAtATime(button("Enregistrer en PDF", { id: "btn-fiche-pdf" }), () => savePdf(a)),
      print,
    ],
    wide: true,
    variant: "fiche",
  });
  // As if Imprimer… was pressed: another press waits for this print dialog to end.
  print.click();
}
