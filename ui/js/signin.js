// The sign-in screen of a site (SPEC §13): server, port, base, user and password, prefilled
// from the address the window was opened on and from the last sign-in (never the password);
// *Retenir le mot de passe* keeps it in the system's keyring. Errors of the connection are
// shown on the form, in French, as Rust words them.

import { api } from "./api.js";
import { el, $, clear } from "./dom.js";
import { field, button, onSubmit } from "./ui.js";

/** Shows the form until the clerk is signed in; resolves with {utilisateur, role, adresse, avertissement}. */
export function signIn(etat) {
  const host = $("#connexion");
  return new Promise((resolve) => {
    const fServeur = field("Serveur", { key: "serveur", required: true, value: etat.serveur });
    const fPort = field("Port", { key: "port", value: etat.port, inputmode: "numeric", maxlength: 5 });
    const fBase = field("Base", { key: "base", required: true, value: etat.base });
    const fUser = field("Utilisateur", { key: "utilisateur", required: true, value: etat.utilisateur });
    const fPass = field("Mot de passe", { key: "mot_de_passe", type: "password" });
    fPass.input.autocomplete = "current-password";
    if (etat.mot_de_passe_retenu) fPass.input.placeholder = "Retenu dans le trousseau du système";
    const keep = el("input", { type: "checkbox", id: "connexion-retenir", "data-champ": "retenir_mot_de_passe", checked: etat.retenir_mot_de_passe });
    const keepLine = el("label", { class: "check-line", for: "connexion-retenir" }, keep, " Retenir le mot de passe");
    const message = el("div", { class: "form-error", role: "alert", id: "connexion-erreur" });
    const submit = button("Se connecter", { primary: true, type: "submit", id: "btn-connexion" });
    const form = el("form", { class: "signin-card", novalidate: true, "aria-labelledby": "connexion-titre" },
      el("h1", { id: "connexion-titre" }, "Forfaits — connexion à la base de site"),
      el("p", { class: "muted small" }, "Plusieurs postes travaillent sur cette base. Connectez-vous avec votre utilisateur : ce que vous pouvez faire dépend de votre rôle."),
      el("div", { class: "row2" }, fServeur.wrap, fPort.wrap),
      fBase.wrap,
      fUser.wrap,
      fPass.wrap,
      keepLine,
      el("p", { class: "muted small" }, "Le mot de passe n'est jamais enregistré dans un fichier ; retenu, il est gardé dans le trousseau du système."),
      message,
      el("div", { class: "form-actions" }, submit));
    const connect = async () => {
      const session = await api.seConnecter({
        serveur: fServeur.input.value,
        port: fPort.input.value,
        base: fBase.input.value,
        utilisateur: fUser.input.value,
        mot_de_passe: fPass.input.value,
        retenir_mot_de_passe: keep.checked,
      });
      fPass.input.value = "";
      host.hidden = true;
      clear(host);
      resolve(session);
    };
    onSubmit(form, { message, submit, busy: "Connexion…" }, connect, (err) => {
      fPass.input.select();
      return err.message;
    });
    clear(host);
    host.append(form);
    host.hidden = false;
    const first = [fServeur, fBase, fUser].find((f) => !f.input.value.trim()) || fPass;
    first.input.focus();
  });
}
