// Paramètres: currency and decimals, country code for numbers, defaults for new accounts, the
// amount above which a movement is confirmed, call control (the service's address, whether a
// service answers there), the call rules (their own form, rules-settings.js), backups (the
// desk's SQLite file only: a site's are its server's).

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { amount, setCurrency } from "./format.js";
import { button, field, onSubmit, showFieldErrors, toast, confirmDialog, working, trackChanges, oneAtATime } from "./ui.js";
import { nombre } from "./fr.js";
import { rulesSection } from "./rules-settings.js";
import { can } from "./session.js";

let renders = 0; // the latest render draws the page: a second click on the tab stacks nothing
let unsaved = () => false; // what the page drawn last says of its forms

/** Whether something typed in Paramètres is not saved (another tab then asks first). */
export function settingsDirty() {
  return unsaved();
}

export async function renderSettings(host, infos, onRestored) {
  const g = ++renders;
  unsaved = () => false;
  clear(host);
  const withBackups = can("sauvegardes");
  let s, backups, dirs;
  try {
    s = await api.parametres();
    backups = withBackups ? await api.infosSauvegardes() : null;
    dirs = await api.dossiers();
  } catch (err) {
    // Said on the page, which would otherwise stay blank.
    if (g === renders) host.append(el("p", { class: "form-error", role: "alert", id: "parametres-erreur" }, `Lecture impossible : ${err.message}`));
    return;
  }
  if (g !== renders) return;
  const folder = (label, quel, path) =>
    el("p", { class: "folder-line" }, `${label} : `, el("span", { class: "mono", id: `dossier-${quel}` }, path), " ",
      el("button", { type: "button", class: "link-btn", onclick: () => api.ouvrirDossier(quel).catch((e) => toast(e.message, "error")) }, "Ouvrir le dossier"));
  const plain = (minor) => amount(minor).replace(/\u202f/g, " ");
  const fCode = field("Devise", { key: "devise", value: s.devise, maxlength: 3, hint: "Code ISO de 3 lettres : TND, EUR, XOF…" });
  const decimals = el("select", {}, [0, 1, 2, 3, 4].map((d) => el("option", { value: d, selected: d === s.decimales }, String(d))));
  const fDec = field("Nombre de décimales", { key: "decimales", control: decimals, hint: "Ne peut plus changer une fois des mouvements enregistrés" });
  const fCc = field("Indicatif du pays", { key: "indicatif", value: s.indicatif, maxlength: 4, hint: "« + » et 1 à 3 chiffres (+216) ; ajouté aux numéros écrits sans + ni 00" });
  const etat = el("input", { type: "checkbox", checked: s.etat_defaut });
  const billing = el("input", { type: "checkbox", checked: s.billing_defaut });
  const fDuree = field("Durée d'appel par défaut (minutes)", { key: "duree_appel", value: s.duree_defaut ?? "", hint: "Vide : illimitée" });
  const fSolde = field("Solde initial par défaut", { key: "solde", value: s.solde_defaut ? amount(s.solde_defaut).replace(/\u202f/g, "") : "" });
  const fSeuil = field(`Confirmer les mouvements au-delà de (${s.devise})`, { key: "seuil_confirmation", value: plain(s.seuil_confirmation), inputmode: "decimal", hint: "Au-dessus de ce montant, Gestion de solde demande confirmation avec le solde qui en résulte" });
  const fRetention = field("Conserver les sauvegardes automatiques (jours)", { key: "retention", value: String(s.retention_sauvegardes), inputmode: "numeric", hint: "Une sauvegarde est faite chaque jour à l'ouverture de la fenêtre" });
  const fAdresse = field("Adresse du service de contrôle d'appel", { key: "adresse_service", value: s.adresse_service, hint: "Adresse IP et port où écoute « forfaits agi » (par exemple 127.0.0.1:4573)" });
  const serviceState = el("span", { class: "service-state", id: "etat-service", role: "status" });
  const checkButton = button("Vérifier", { id: "btn-verifier-service" });
  let checks = 0;
  /** Asks whether a service answers at the address typed (null: the saved one). */
  const checkService = async (adresse) => {
    const n = ++checks;
    checkButton.disabled = true;
    serviceState.className = "service-state";
    serviceState.textContent = "Vérification…";
    try {
      const r = await api.etatService(adresse);
      if (n !== checks) return;
      fAdresse.setError("");
      serviceState.className = `service-state ${r.en_marche ? "on" : "off"}`;
      serviceState.textContent = r.message;
    } catch (err) {
      if (n !== checks) return;
      serviceState.textContent = "";
      const rest = showFieldErrors([fAdresse], err);
      if (rest) serviceState.textContent = rest;
    } finally {
      if (n === checks) checkButton.disabled = false;
    }
  };
  checkButton.addEventListener("click", () => checkService(fAdresse.input.value));
  const fields = [fCode, fDec, fCc, fDuree, fSolde, fSeuil, fAdresse].concat(withBackups ? [fRetention] : []);
  const message = el("div", { class: "form-error", role: "alert" });
  const form = el("form", { class: "settings-form", id: "parametres-general", novalidate: true },
    el("fieldset", {}, el("legend", {}, "Monnaie et numéros"), el("div", { class: "row3" }, fCode.wrap, fDec.wrap, fCc.wrap)),
    el("fieldset", {}, el("legend", {}, "Valeurs des nouveaux comptes (ajout et import)"),
      el("label", { class: "check" }, etat, " Compte activé"),
      el("label", { class: "check" }, billing, " Calcul billing activé"),
      el("div", { class: "row2" }, fDuree.wrap, fSolde.wrap)),
    el("fieldset", {}, el("legend", {}, "Gestion de solde"), el("div", { class: "row2" }, fSeuil.wrap, el("div"))),
    el("fieldset", { id: "parametres-controle-appel" }, el("legend", {}, "Contrôle d'appel (Asterisk)"),
      el("div", { class: "row2" }, fAdresse.wrap,
        el("p", { class: "muted small aside-note" }, "La durée maximale d'un appel, les heures et les appels par jour se règlent dans Règles d'appel, plus bas.")),
      el("div", { class: "service-line" }, serviceState, checkButton)),
    withBackups && el("fieldset", {}, el("legend", {}, "Sauvegardes"), el("div", { class: "row2" }, fRetention.wrap, el("div"))),
    message,
    el("div", { class: "form-actions" }, button("Enregistrer les paramètres", { primary: true, type: "submit" })));
  const save = async () => {
    const saved = await api.enregistrerParametres({
      devise: fCode.input.value,
      decimales: Number(decimals.value),
      indicatif: fCc.input.value,
      etat_defaut: etat.checked,
      billing_defaut: billing.checked,
      duree_defaut: fDuree.input.value,
      solde_defaut: fSolde.input.value,
      seuil_confirmation: fSeuil.input.value,
      retention_sauvegardes: withBackups ? fRetention.input.value : null,
      adresse_service: fAdresse.input.value,
    });
    for (const f of fields) f.setError("");
    setCurrency(saved.devise, saved.decimales);
    toast("Paramètres enregistrés");
    changes.saved();
    fAdresse.input.value = saved.adresse_service;
    checkService(null);
  };
  onSubmit(form, { message }, save, (err) => showFieldErrors(fields, err));
  const changes = trackChanges(form);
  const rules = rulesSection(s);
  unsaved = () => changes.dirty() || rules.isDirty();
  async function backupNow() {
    const d = new Date();
    const nom = `forfaits-${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}.sqlite3`;
    const dest = await api.choisirDestination("Sauvegarder la base", nom, "sqlite");
    if (!dest) return;
    try {
      await working("Sauvegarde…", api.sauvegarder(dest.jeton));
      toast("Sauvegarde écrite");
    } catch (err) {
      toast(err.message, "error");
    }
  }

  async function restore() {
    const file = await api.choisirFichier("Restaurer une sauvegarde", "sqlite");
    if (!file) return;
    const ok = await confirmDialog({
      title: "Restaurer cette sauvegarde ?",
      lines: [file.fichier, "Le contenu actuel de la base sera remplacé par celui de la sauvegarde, après vérification. La base actuelle est d'abord gardée à côté, sous un nom daté."],
      confirmLabel: "Restaurer",
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await working("Restauration…", api.restaurer(file.jeton));
      toast(`Sauvegarde restaurée : ${nombre(r.comptes, "compte", "comptes")}`);
      onRestored();
    } catch (err) {
      toast(err.message, "error");
    }
  }

  const jump = (label, id) => el("button", { type: "button", class: "link-btn", onclick: () => {
    const target = document.getElementById(id);
    target.scrollIntoView({ block: "start" });
    const first = target.querySelector("input, select, button");
    if (first) first.focus({ preventScroll: true });
  } }, label);
  host.append(el("div", { class: "page-inner narrow" },
    el("h2", {}, "Paramètres"),
    el("nav", { class: "page-jumps", "aria-label": "Rubriques des paramètres" },
      jump("Général", "parametres-general"), jump("Règles d'appel", "regles-appel"), withBackups && jump("Sauvegardes", "parametres-sauvegardes"), jump("Données", "parametres-donnees")),
    form,
    rules,
    withBackups && el("section", { class: "about-lines", id: "parametres-sauvegardes" },
      el("h3", {}, "Sauvegardes"),
      folder("Sauvegardes automatiques", "sauvegardes", backups.dossier),
      el("div", { class: "form-actions left" },
        oneAtATime(button("Sauvegarder maintenant…", { id: "btn-sauvegarder" }), backupNow),
        oneAtATime(button("Restaurer une sauvegarde…", { id: "btn-restaurer" }), restore))),
    el("section", { class: "about-lines", id: "parametres-donnees" },
      el("h3", {}, "Données"),
      el("p", {}, "Base de données : ", el("span", { class: "mono", id: "chemin-base" }, infos.base)),
      folder("Dossier des données", "donnees", dirs.donnees),
      folder("Journaux techniques", "journaux", dirs.journaux),
      el("p", { class: "muted small" }, `Schéma ${infos.schema} · Forfaits ${infos.version} · opérateur ${infos.operateur}`))));
  checkService(null);
}
