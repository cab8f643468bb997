// Exporter les utilisateurs: format and separator, then the native save dialog.

import { api } from "./api.js";
import { el } from "./dom.js";
import { nombre } from "./fr.js";
import { button, modal, close, toast, working, oneAtATime, CANCELLED } from "./ui.js";

/** Per format: the file name proposed, the save dialog's filter, whether a separator applies. */
const FORMATS = {
  complet: { nom: "utilisateurs.csv", type: "csv", separateur: true },
  xlsx: { nom: "utilisateurs.xlsx", type: "xlsx", separateur: false },
  import: { nom: "utilisateurs-import.csv", type: "csv", separateur: true },
};

export function openExport() {
  const radio = (value, label, hint, checked) =>
    el("label", { class: "choice" },
      el("input", { type: "radio", name: "format", value, checked }),
      el("span", {}, el("strong", {}, label), el("span", { class: "muted small" }, hint)));
  const sep = el("select", { id: "export-separateur" },
    el("option", { value: ";" }, "Point-virgule « ; » (Excel en français)"),
    el("option", { value: "," }, "Virgule « , »"));
  const sepField = el("div", { class: "field" }, el("label", { for: "export-separateur" }, "Séparateur"), sep);
  const body = el("div", { class: "export" },
    radio("complet", "Complet", "Toutes les colonnes du tableau, avec leurs titres (CSV)", true),
    radio("xlsx", "Classeur Excel (.xlsx)", "Les mêmes colonnes dans un classeur : matricules et numéros en texte, soldes en nombres, dates en dates", false),
    radio("import", "Format d'import", "Les 13 champs sans en-tête, à réimporter plus tard (CSV)", false),
    sepField);
  const chosen = () => body.querySelector("input[name=format]:checked").value;
  // A workbook has columns, not a separator.
  body.addEventListener("change", () => {
    sepField.hidden = !FORMATS[chosen()].separateur;
  });
  const go = async () => {
    const format = chosen();
    const f = FORMATS[format];
    const dest = await api.choisirDestination("Exporter les utilisateurs", f.nom, f.type);
    if (!dest) return;
    close(true);
    try {
      const n = await working("Export des utilisateurs…", api.exporterUtilisateurs(dest.jeton, format, sep.value), "export");
      toast(nombre(n, "utilisateur exporté", "utilisateurs exportés"));
    } catch (err) {
      if (err.code === CANCELLED) toast(`Export annulé : ${dest.fichier} n'a pas été écrit.`);
      else toast(err.message, "error");
    }
  };
  modal({
    title: "Exporter les utilisateurs",
    body,
    footer: [button("Annuler", { onclick: () => close() }), oneAtATime(button("Choisir l'emplacement et exporter", { primary: true, id: "btn-exporter-go" }), go)],
  });
}
