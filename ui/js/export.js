// Exporter les utilisateurs: format and separator, then the native save dialog.

import { api } from "./api.js";
import { el } from "./dom.js";
import { nombre } from "./fr.js";
import { button, modal, close, toast, working } from "./ui.js";

export function openExport() {
  const radio = (value, label, hint, checked) =>
    el("label", { class: "choice" },
      el("input", { type: "radio", name: "format", value, checked }),
      el("span", {}, el("strong", {}, label), el("span", { class: "muted small" }, hint)));
  const sep = el("select", { id: "export-separateur" },
    el("option", { value: ";" }, "Point-virgule « ; » (Excel en français)"),
    el("option", { value: "," }, "Virgule « , »"));
  const body = el("div", { class: "export" },
    radio("complet", "Complet", "Toutes les colonnes du tableau, avec leurs titres", true),
    radio("import", "Format d'import", "Les 13 champs sans en-tête, à réimporter plus tard", false),
    el("div", { class: "field" }, el("label", { for: "export-separateur" }, "Séparateur"), sep));
  const go = async () => {
    const format = body.querySelector("input[name=format]:checked").value;
    const nom = format === "complet" ? "utilisateurs.csv" : "utilisateurs-import.csv";
    const dest = await api.choisirDestination("Exporter les utilisateurs", nom);
    if (!dest) return;
    close(true);
    try {
      const n = await working("Export des utilisateurs…", api.exporterUtilisateurs(dest.jeton, format, sep.value));
      toast(nombre(n, "utilisateur exporté", "utilisateurs exportés"));
    } catch (err) {
      toast(err.message, "error");
    }
  };
  modal({
    title: "Exporter les utilisateurs",
    body,
    footer: [button("Annuler", { onclick: () => close() }), button("Choisir l'emplacement et exporter", { primary: true, onclick: go, id: "btn-exporter-go" })],
  });
}
