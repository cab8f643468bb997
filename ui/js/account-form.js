// Ajouter / Modifier un utilisateur: the seed's fields, checked by Rust as each field is left,
// Enter saves, Esc closes (asking first if something changed).

import { api } from "./api.js";
import { el } from "./dom.js";
import { amount, duration, currencyInfo } from "./format.js";
import { button, field, panel, close, showFieldErrors, toast, confirmDialog } from "./ui.js";
import { T } from "./strings.js";

function toggle(label, key, checked) {
  const input = el("input", { type: "checkbox", role: "switch", checked, "data-champ": key });
  const text = el("span", { class: "switch-text" }, checked ? T.active : T.disabled);
  input.addEventListener("change", () => {
    text.textContent = input.checked ? T.active : T.disabled;
  });
  return {
    key,
    input,
    wrap: el("div", { class: "field" }, el("label", { class: "switch" }, input, el("span", { class: "switch-label" }, label), text)),
    setError() {},
  };
}

/** Opens the form; `account` null to add. `onSaved(account)` after a save. */
export function openAccountForm(account, onSaved) {
  const editing = Boolean(account);
  const a = account || { etat_compte: true, billing: true, telephones: [] };
  const digits = (e) => {
    e.target.value = e.target.value.replace(/\D+/g, "");
  };
  const fNom = field("Nom utilisateur", { key: "nom", required: true, value: a.nom || "", maxlength: 100 });
  const fMat = field("Matricule", { key: "matricule", required: true, value: a.matricule || "", inputmode: "numeric", maxlength: 14, counter: 14, hint: "14 chiffres" });
  const fId = field("Identifiant", { key: "identifiant", required: true, value: a.identifiant || "", inputmode: "numeric", maxlength: 7, counter: 7, hint: "7 chiffres : le code composé sur le téléphone" });
  fMat.input.addEventListener("input", digits);
  fId.input.addEventListener("input", digits);
  const fEtat = toggle("Etat du compte", "etat_compte", a.etat_compte);
  const fBilling = toggle("Activation calcul billing", "billing", a.billing);
  const fDuree = field("Durée d'appel (minutes)", {
    key: "duree_appel",
    value: a.duree_appel_min ?? "",
    inputmode: "numeric",
    hint: "Vide : illimitée",
  });
  const fSolde = editing
    ? null
    : field(`Solde initial (${currencyInfo().code})`, { key: "solde", value: "", inputmode: "decimal", hint: "Par exemple 12,500 ; enregistré comme premier mouvement" });
  const phones = Array.from({ length: 10 }, (_, i) =>
    field(`Touche ${i + 1}`, { key: `touche${i + 1}`, value: a.telephones[i] || "", inputmode: "tel" }),
  );
  const all = [fNom, fMat, fId, fEtat, fBilling, fDuree, ...(fSolde ? [fSolde] : []), ...phones];

  const readForm = () => ({
    nom: fNom.input.value,
    matricule: fMat.input.value,
    identifiant: fId.input.value,
    etat_compte: fEtat.input.checked,
    billing: fBilling.input.checked,
    duree_appel: fDuree.input.value,
    solde: fSolde ? fSolde.input.value : "",
    telephones: phones.map((p) => p.input.value),
  });
  const initial = JSON.stringify(readForm());
  const isDirty = () => JSON.stringify(readForm()) !== initial;

  // Errors of one field appear as soon as it is left; the others wait for their turn.
  const touched = new Set();
  let check = 0;
  const validate = async () => {
    const n = ++check;
    try {
      const errs = await api.validerCompte(readForm(), editing ? a.id : null);
      if (n !== check) return;
      for (const f of all) {
        if (!touched.has(f.key)) continue;
        const e = errs.find((x) => x.champ === f.key);
        f.setError(e ? e.message : "");
      }
    } catch {
      /* the save will report it */
    }
  };
  for (const f of all) {
    f.input.addEventListener("blur", () => {
      touched.add(f.key);
      validate();
    });
  }

  async function resetDuration() {
    const ok = await confirmDialog({
      title: "Remettre la durée totale à zéro ?",
      lines: [`${a.nom} — ${duration(a.duree_totale_s)} d'appels comptés.`, "La durée repart de 0 ; le journal garde la trace de la remise à zéro."],
      confirmLabel: "Remettre à zéro",
      danger: true,
    });
    if (!ok) return;
    try {
      const updated = await api.remettreDureeZero(a.id);
      const shown = document.getElementById("duree-totale");
      if (shown) shown.textContent = duration(updated.duree_totale_s);
      toast("Durée totale remise à zéro");
      onSaved(updated);
    } catch (err) {
      toast(err.message, "error");
    }
  }

  const info = editing
    ? el("div", { class: "readonly-grid" },
        el("div", {}, el("span", { class: "k" }, "Etat général"), el("span", { class: `badge badge-${a.etat_general}` }, a.etat_general_libelle)),
        el("div", {}, el("span", { class: "k" }, "Solde"), el("span", { class: `v num ${a.solde <= 0 ? "negative" : ""}` }, `${amount(a.solde)} ${currencyInfo().code}`)),
        el("div", {}, el("span", { class: "k" }, "Durée totale des appels"),
          el("span", { class: "v num" }, el("span", { id: "duree-totale" }, duration(a.duree_totale_s)), " ",
            el("button", { type: "button", class: "link-btn", id: "btn-remise-zero", onclick: resetDuration }, "Remettre à zéro"))))
    : el("p", { class: "muted small" }, "Les champs marqués * sont obligatoires. L'état général se calcule à l'enregistrement.");

  const message = el("div", { class: "form-error", role: "alert" });
  const save = button(editing ? "Enregistrer les modifications" : "Ajouter l'utilisateur", { primary: true, type: "submit" });
  const form = el(
    "form",
    { class: "account-form", novalidate: true },
    info,
    el("fieldset", {}, el("legend", {}, "Identité"), fNom.wrap, el("div", { class: "row2" }, fMat.wrap, fId.wrap)),
    el("fieldset", {}, el("legend", {}, "Forfait"), el("div", { class: "row2" }, fEtat.wrap, fBilling.wrap), el("div", { class: "row2" }, fDuree.wrap, fSolde ? fSolde.wrap : el("div"))),
    el("fieldset", {}, el("legend", {}, "N° téléphone touche 1 … 10"), el("div", { class: "keys-grid" }, phones.map((p) => p.wrap))),
    message,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    save.disabled = true;
    message.textContent = "";
    try {
      const saved = editing ? await api.modifierCompte(a.id, readForm()) : await api.creerCompte(readForm());
      close(true);
      toast(editing ? "Modifications enregistrées" : "Utilisateur ajouté");
      onSaved(saved);
    } catch (err) {
      message.textContent = showFieldErrors(all, err);
    } finally {
      save.disabled = false;
    }
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && e.target.type !== "checkbox") {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  save.addEventListener("click", (e) => {
    e.preventDefault();
    form.requestSubmit();
  });
  panel({
    title: editing ? `Modifier un utilisateur — ${a.nom}` : "Ajouter un utilisateur",
    body: form,
    footer: [button("Annuler", { onclick: () => close() }), save],
    isDirty,
  });
  fNom.input.focus();
}
