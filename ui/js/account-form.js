// Ajouter / Modifier un utilisateur: the seed's fields, checked by Rust as each field is left,
// Enter saves, Esc closes (asking first if something changed). When editing, the section
// *Règles*: the account's own per-call maximum and calls per day (saved with the form, through
// their own command), and its suspension (acts at once: Suspendre, Lever la suspension).

import { api } from "./api.js";
import { el, nom } from "./dom.js";
import { amount, duration, currencyInfo, day } from "./format.js";
import { button, field, onSubmit, panel, close, showFieldErrors, fieldsError, toast, confirmDialog } from "./ui.js";
import { T } from "./strings.js";
import { de } from "./fr.js";
import { can } from "./session.js";
import { follow } from "./follow.js";

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

/** Keeps the digits of what is typed in a digits-only field. */
function digits(e) {
  e.target.value = e.target.value.replace(/\D+/g, "");
}

/**
 * A paste in a digits-only field keeps the digits: a pasted « 1234 5678 9012 34 » keeps its 14
 * digits, where `maxlength` would cut it before the spaces go.
 */
function pasteDigits(e) {
  if (!e.clipboardData) return;
  const text = e.clipboardData.getData("text");
  e.preventDefault();
  const input = e.target;
  input.setRangeText(text.replace(/\D+/g, ""), input.selectionStart, input.selectionEnd, "end");
  if (input.value.length > input.maxLength) input.value = input.value.slice(0, input.maxLength);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Digits only in `input`, typed or pasted. */
function digitsOnly(input) {
  input.addEventListener("input", digits);
  input.addEventListener("paste", pasteDigits);
}

/** Opens the form; `account` null to add. `onSaved(account)` after a save. */
export function openAccountForm(account, onSaved) {
  const editing = Boolean(account);
  const a = account || { etat_compte: true, billing: true, telephones: [] };
  const fNom = field("Nom utilisateur", { key: "nom", required: true, value: a.nom || "", maxlength: 100 });
  // Typed in any script: an Arabic name is entered and shown right to left.
  fNom.input.dir = "auto";
  const fMat = field("Matricule", { key: "matricule", required: true, value: a.matricule || "", inputmode: "numeric", maxlength: 14, counter: 14, hint: "14 chiffres" });
  const fId = field("Identifiant", { key: "identifiant", required: true, value: a.identifiant || "", inputmode: "numeric", maxlength: 7, counter: 7, hint: "7 chiffres : le code composé sur le téléphone" });
  digitsOnly(fMat.input);
  digitsOnly(fId.input);
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
  // Per-account rules and the reset of the call minutes: not on a site yet (session.js).
  const withRules = can("regles");
  const rules = editing && withRules ? rulesSection(a, (updated) => {
    showState(updated);
    onSaved(updated);
  }) : null;

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
  let initial = JSON.stringify(readForm());
  const isDirty = () => JSON.stringify(readForm()) !== initial || Boolean(rules && rules.isDirty());
  // The table's switch may change this account's state while it is edited: the form follows
  // unless its own switch was changed, so that saving does not silently undo the table's.
  const followState = (b) => {
    showState(b);
    const before = JSON.parse(initial);
    const untouched = fEtat.input.checked === before.etat_compte;
    initial = JSON.stringify({ ...before, etat_compte: b.etat_compte });
    if (untouched && fEtat.input.checked !== b.etat_compte) {
      fEtat.input.checked = b.etat_compte;
      fEtat.input.dispatchEvent(new Event("change"));
    }
  };

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

  const stateBadge = el("span", { class: `badge badge-${a.etat_general}`, id: "etat-general-formulaire" }, a.etat_general_libelle);
  const showState = (updated) => {
    stateBadge.className = `badge badge-${updated.etat_general}`;
    stateBadge.textContent = updated.etat_general_libelle;
  };
  const info = editing
    ? el("div", { class: "readonly-grid" },
        el("div", {}, el("span", { class: "k" }, "Etat général"), stateBadge),
        el("div", {}, el("span", { class: "k" }, "Solde"), el("span", { class: `v num ${a.solde <= 0 ? "negative" : ""}` }, `${amount(a.solde)} ${currencyInfo().code}`)),
        el("div", {}, el("span", { class: "k" }, "Durée totale des appels"),
          el("span", { class: "v num" }, el("span", { id: "duree-totale" }, duration(a.duree_totale_s)), " ",
            withRules ? el("button", { type: "button", class: "link-btn", id: "btn-remise-zero", onclick: resetDuration }, "Remettre à zéro") : null)))
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
    rules ? rules.wrap : !withRules ? null : el("fieldset", { id: "regles-compte" }, el("legend", {}, "Règles"),
      el("p", { class: "muted small" }, "La durée maximale d'un appel, les appels par jour et la suspension se règlent une fois l'utilisateur ajouté (Modifier).")),
    message,
  );
  const saveAll = async () => {
    if (rules) {
      rules.checkNothingPending();
      if (rules.limitsChanged()) {
        // The other fields first, so that a refusal there leaves the limits unsaved too.
        const errs = await api.validerCompte(readForm(), a.id);
        if (errs.length) throw fieldsError(errs);
        await rules.saveLimits();
      }
    }
    const saved = editing ? await api.modifierCompte(a.id, readForm()) : await api.creerCompte(readForm());
    // Closed meanwhile and something else opened: that one stays.
    if (form.isConnected) close(true);
    toast(editing ? "Modifications enregistrées" : "Utilisateur ajouté");
    onSaved(saved);
  };
  onSubmit(form, { message, submit: save }, saveAll, (err) => showFieldErrors(rules ? [...all, ...rules.fields] : all, err));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && e.target.type !== "checkbox") {
      e.preventDefault();
      // In the suspension's fields, Enter suspends; anywhere else it saves the form.
      if (rules && rules.ownsEnter(e.target)) rules.suspend();
      else form.requestSubmit();
    }
  });
  save.addEventListener("click", (e) => {
    e.preventDefault();
    form.requestSubmit();
  });
  if (editing) follow(form, a.id, followState);
  panel({
    title: editing ? ["Modifier un utilisateur — ", nom(a.nom)] : "Ajouter un utilisateur",
    body: form,
    footer: [button("Annuler", { onclick: () => close() }), save],
    isDirty,
  });
  fNom.input.focus();
}

/**
 * The section *Règles* of an account being edited. The limits are read when the form is saved
 * (`saveLimits`); the suspension acts at once and calls `onChanged(account)`.
 */
function rulesSection(account, onChanged) {
  let a = account;
  const fMax = field("Durée maximale d'un appel (minutes)", { key: "duree_max_appel", value: a.duree_max_appel_min ?? "", inputmode: "numeric", maxlength: 4, hint: "Vide : celle du site" });
  const fPerDay = field("Appels par jour", { key: "appels_par_jour", value: a.appels_par_jour ?? "", inputmode: "numeric", maxlength: 4, hint: "Vide : ceux du site" });
  digitsOnly(fMax.input);
  digitsOnly(fPerDay.input);
  // The site's values, shown where the account has none of its own.
  api.parametres().then((s) => {
    fMax.input.placeholder = `${s.duree_max_appel} (celle du site)`;
    fPerDay.input.placeholder = s.appels_par_jour ? `${s.appels_par_jour} (ceux du site)` : "Sans limite (ceux du site)";
  }).catch(() => {});
  const readLimits = () => ({ duree_max_appel: fMax.input.value, appels_par_jour: fPerDay.input.value });
  let savedLimits = JSON.stringify(readLimits());

  const fUntil = field("Suspendu jusqu'au", { key: "suspendu_jusqu_au", type: "date", hint: "Dernier jour sans appels (inclus)" });
  fUntil.input.placeholder = "jj/mm/aaaa";
  const fReason = field("Motif de la suspension", { key: "motif_suspension", maxlength: 200, hint: "Discipline, transfert…" });
  const suspendButton = button("Suspendre", { id: "btn-suspendre" });
  const liftButton = button("Lever la suspension", { id: "btn-lever-suspension" });
  const suspendedLine = el("p", { class: "suspended-line", id: "suspension-en-cours", role: "status", tabindex: "-1" });
  const suspension = el("div", { class: "suspension", id: "suspension-compte" });
  const message = el("div", { class: "form-error", role: "alert" });

  const show = () => {
    suspension.replaceChildren();
    if (a.suspendu) {
      suspendedLine.textContent = `Suspendu jusqu'au ${day(a.suspendu_jusqu_au)}${a.motif_suspension ? ` (${a.motif_suspension})` : ""}`;
      suspension.append(el("div", { class: "suspended-row" }, suspendedLine, liftButton));
    } else {
      fUntil.input.value = "";
      fReason.input.value = "";
      suspension.append(el("div", { class: "suspend-row" }, fUntil.wrap, fReason.wrap, suspendButton));
    }
    suspension.append(message);
  };

  let acting = false; // a suspension or its lifting on its way: Enter again does nothing
  async function suspend() {
    if (acting) return;
    acting = true;
    message.textContent = "";
    suspendButton.disabled = true;
    try {
      a = await api.suspendreCompte(a.id, fUntil.input.value, fReason.input.value);
      fUntil.setError("");
      fReason.setError("");
      show();
      // On the line that says it, not on *Lever* (a second Enter would lift it at once).
      suspendedLine.focus();
      toast(`Appels ${de(a.nom)} suspendus jusqu'au ${day(a.suspendu_jusqu_au)}`);
      onChanged(a);
    } catch (err) {
      message.textContent = showFieldErrors([fUntil, fReason], err);
    } finally {
      acting = false;
      suspendButton.disabled = false;
    }
  }

  async function lift() {
    if (acting) return;
    acting = true;
    try {
      a = await api.leverSuspension(a.id);
      show();
      fUntil.input.focus();
      toast(`Suspension levée : ${a.nom} peut de nouveau appeler`);
      onChanged(a);
    } catch (err) {
      message.textContent = err.message;
    } finally {
      acting = false;
    }
  }
  suspendButton.addEventListener("click", suspend);
  liftButton.addEventListener("click", lift);
  show();

  const limitFields = [fMax, fPerDay];
  return {
    wrap: el("fieldset", { id: "regles-compte" }, el("legend", {}, "Règles"),
      el("div", { class: "row2" }, fMax.wrap, fPerDay.wrap),
      suspension),
    fields: [...limitFields, fUntil, fReason],
    ownsEnter: (target) => suspension.contains(target),
    suspend,
    limitsChanged: () => JSON.stringify(readLimits()) !== savedLimits,
    async saveLimits() {
      a = await api.reglesCompte(a.id, readLimits());
      savedLimits = JSON.stringify(readLimits());
    },
    /** A suspension typed but not applied stops the save: the clerk may think it was. */
    checkNothingPending() {
      if (!a.suspendu && (fUntil.input.value || fReason.input.value.trim())) {
        throw fieldsError([{ champ: "motif_suspension", libelle: "Motif de la suspension", message: "la suspension n'est pas encore faite : cliquez sur Suspendre, ou videz ces champs pour enregistrer sans suspendre" }]);
      }
    },
    isDirty: () => JSON.stringify(readLimits()) !== savedLimits || (!a.suspendu && Boolean(fUntil.input.value || fReason.input.value.trim())),
  };
}
