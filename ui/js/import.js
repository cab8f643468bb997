// Ajouter plusieurs utilisateurs: instructions, drop zone / native dialog, preview of the
// lines (read, valid, invalid, each error), then import of the valid lines with progress.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { count } from "./format.js";
import { nombre, pluriel } from "./fr.js";
import { button, modal, close, toast, workPanel, holding, CANCELLED } from "./ui.js";
import { dropZone } from "./dropzone.js";
import { clearDropHandler, refusingDrops } from "./drop.js";

const FIELDS = [
  "Champ (1) : Nom & prénom utilisateur (Obligatoire).",
  "Champ (2) : Matricule (Identifiant à 14 chiffres obligatoire).",
  "Champ (3) : Identifiant (7 chiffres obligatoire).",
  ...Array.from({ length: 10 }, (_, i) => `Champ (${i + 4}) : Téléphone N°${i + 1} (Non obligatoire).`),
];

function errorTable(errors) {
  return el("table", { class: "mini-grid errors" },
    el("thead", {}, el("tr", {}, ["Ligne", "Champ", "Valeur", "Erreur"].map((h, i) => el("th", { class: i === 0 ? "num" : "" }, h)))),
    el("tbody", {}, errors.map((e) => el("tr", {},
      el("td", { class: "num" }, e.ligne),
      el("td", {}, e.champ ? `${e.champ} (${e.libelle})` : "—"),
      el("td", { class: "mono ellipsis", title: e.valeur, dir: "auto" }, e.valeur),
      el("td", {}, e.message)))));
}

/** What a file dropped while another is read or imported is told. */
const BUSY = "Un fichier est déjà en cours de lecture : attendez la fin ou annulez-la.";
/** What closing the dialog during a confirmed import is told: it stays open until the end. */
const IMPORTING = "Import en cours : la fenêtre se fermera à la fin. Pour l'arrêter, cliquez sur « Annuler » sous la barre de progression.";

export function openImport(onImported, firstFile) {
  const body = el("div", { class: "import" });
  const foot = el("div", { class: "foot-row" });
  const update = el("input", { type: "checkbox", id: "maj-existants" });
  let jeton = null; // the previewed file, for the import
  let closed = false;
  let reading = false; // a preview runs: closing the dialog stops it, nothing being at stake

  const showStart = () => {
    clear(body);
    clear(foot);
    body.append(
      el("p", {}, "Consignes sur les champs nécessaires au fichier CSV (Remplir le fichier sans en-tête, uniquement ces champs) :"),
      el("ul", { class: "consignes" }, FIELDS.map((f) => el("li", {}, f))),
      dropZone({
        text: "Déposez vos fichiers ou cliquez pour télécharger votre document CSV",
        title: "Ajouter plusieurs utilisateurs : choisir le fichier CSV ou le classeur",
        type: "utilisateurs",
        onFile: analyse,
      }),
      el("p", { class: "muted small dropzone-formats" }, "Fichiers acceptés : CSV (.csv, .txt), classeurs Excel (.xlsx) et LibreOffice (.ods) — la première feuille, les mêmes colonnes, sans ligne de titres."),
      el("label", { class: "check" }, update, " Mettre à jour les comptes existants (même matricule) au lieu de les refuser"),
      el("p", { class: "muted small" }, "Séparateur « ; » ou « , », encodage UTF-8 ou Windows : reconnus automatiquement. Rien n'est enregistré avant votre confirmation."),
    );
    foot.append(button("Fermer", { onclick: () => close() }));
  };

  const busy = (label) => {
    clear(body);
    clear(foot);
    body.append(workPanel("import", label));
  };

  /** Back to the start, saying why: an error, or the work the clerk stopped. */
  const showFailure = (err, stopped) => {
    showStart();
    body.prepend(err.code === CANCELLED
      ? el("p", { class: "notice-line", role: "status", id: "import-annule" }, stopped)
      : el("div", { class: "form-error", role: "alert" }, err.message));
    // The keyboard stays in the dialog, on what comes next: choosing another file.
    body.querySelector(".dropzone")?.focus();
  };

  async function analyse(file) {
    busy("Lecture et vérification du fichier…");
    reading = true;
    try {
      const r = await refusingDrops(BUSY, api.analyserImport(file.jeton, update.checked));
      jeton = r.jeton;
      if (!closed) showPreview(r);
    } catch (err) {
      if (!closed) showFailure(err, "Lecture du fichier annulée : rien n'a été enregistré.");
    } finally {
      reading = false;
    }
  }

  const saveReport = async () => {
    const dest = await api.choisirDestination("Enregistrer le rapport d'erreurs", "rapport-erreurs.csv");
    if (!dest) return;
    try {
      const n = await api.enregistrerRapport(dest.jeton);
      toast(`Rapport d'erreurs enregistré (${nombre(n, "erreur", "erreurs")})`);
    } catch (err) {
      toast(err.message, "error");
    }
  };

  function showPreview(r) {
    clear(body);
    clear(foot);
    body.append(
      el("div", { class: "summary" },
        el("div", { class: "stat" }, el("span", { class: "n", id: "apercu-lues" }, count(r.lignes_lues)), el("span", {}, pluriel(r.lignes_lues, "ligne lue", "lignes lues"))),
        el("div", { class: "stat ok" }, el("span", { class: "n", id: "apercu-valides" }, count(r.valides)), el("span", {}, pluriel(r.valides, "valide", "valides"))),
        el("div", { class: `stat ${r.rejetees ? "bad" : ""}` }, el("span", { class: "n", id: "apercu-invalides" }, count(r.rejetees)), el("span", {}, pluriel(r.rejetees, "invalide", "invalides")))),
      el("p", { class: "muted small", id: "apercu-fichier" }, r.classeur
        ? `Fichier ${r.fichier} · ${r.encodage} · première feuille`
        : `Fichier ${r.fichier} · ${r.encodage} · séparateur « ${r.separateur} »`),
    );
    if (r.avertissement) body.append(el("p", { class: "notice-line", role: "note", id: "apercu-avertissement" }, r.avertissement));
    if (r.erreurs.length) {
      body.append(el("h3", {}, `Erreurs (${count(r.erreurs_total)})`), errorTable(r.erreurs));
      if (r.erreurs_total > r.erreurs.length) body.append(el("p", { class: "muted small" }, `Les ${count(r.erreurs.length)} premières sont affichées ; le rapport les contient toutes.`));
      foot.append(button("Enregistrer le rapport d'erreurs", { onclick: saveReport }));
    } else {
      body.append(el("p", { class: "ok-line" }, "Toutes les lignes sont valides."));
    }
    foot.append(
      button("Annuler", { onclick: () => close() }),
      button(r.valides === 0 ? "Aucune ligne valide à importer" : r.valides === 1 ? "Importer la ligne valide" : `Importer les ${count(r.valides)} lignes valides`, { primary: true, id: "btn-importer-valides", disabled: r.valides === 0, onclick: () => run() }),
    );
    // A disabled button takes no focus: with nothing to import, Annuler has it.
    (foot.querySelector(".primary:not(:disabled)") || foot.querySelector("button:not(.primary)")).focus();
  }

  // The dialog stays open until the import ends (its Annuler stops it), so that its outcome is
  // always shown, and so that a second dialog's reading, stopped on closing, never shares the
  // task « import » with it.
  async function run() {
    busy("Import en cours…");
    try {
      const r = await holding(body, IMPORTING, refusingDrops(BUSY, api.importerUtilisateurs(jeton, update.checked)));
      const n = r.crees + r.mis_a_jour;
      close(true);
      toast(`${nombre(n, "utilisateur importé", "utilisateurs importés")}${r.mis_a_jour ? ` (dont ${count(r.mis_a_jour)} mis à jour)` : ""}`);
      onImported();
    } catch (err) {
      showFailure(err, "Import annulé : aucun utilisateur n'a été enregistré.");
    }
  }

  // Filled before it opens: the keyboard starts on the drop zone (Enter chooses the file).
  showStart();
  modal({
    title: "Ajouter plusieurs utilisateurs",
    body,
    footer: foot,
    wide: true,
    focus: ".dropzone",
    onClose: () => {
      closed = true;
      if (reading) api.annulerTravail("import").catch(() => {});
      clearDropHandler(analyse);
    },
  });
  if (firstFile) analyse(firstFile);
}
