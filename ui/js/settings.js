// Paramètres: currency and decimals, country code for numbers, defaults for new accounts.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { amount, setCurrency } from "./format.js";
import { button, field, showFieldErrors, toast } from "./ui.js";

export async function renderSettings(host, infos) {
  clear(host);
  const s = await api.parametres();
  const fCode = field("Devise", { key: "devise", value: s.currency.code, maxlength: 5 });
  const decimals = el("select", {}, [0, 1, 2, 3, 4].map((d) => el("option", { value: d, selected: d === s.currency.decimals }, String(d))));
  const fDec = field("Nombre de décimales", { key: "decimales", control: decimals, hint: "Ne peut plus changer une fois des mouvements enregistrés" });
  const fCc = field("Indicatif du pays", { key: "indicatif", value: `+${s.country_code}`, hint: "Ajouté aux numéros écrits sans + ni 00" });
  const etat = el("input", { type: "checkbox", checked: s.default_enabled });
  const billing = el("input", { type: "checkbox", checked: s.default_billing });
  const fDuree = field("Durée d'appel par défaut (minutes)", { key: "duree_appel", value: s.default_allowance_min ?? "", hint: "Vide : illimitée" });
  const fSolde = field("Solde initial par défaut", { key: "solde", value: s.default_opening_balance ? amount(s.default_opening_balance).replace(/\u202f/g, "") : "" });
  const fields = [fCode, fDec, fCc, fDuree, fSolde];
  const message = el("div", { class: "form-error", role: "alert" });
  const form = el("form", { class: "settings-form", novalidate: true },
    el("fieldset", {}, el("legend", {}, "Monnaie et numéros"), el("div", { class: "row3" }, fCode.wrap, fDec.wrap, fCc.wrap)),
    el("fieldset", {}, el("legend", {}, "Valeurs des nouveaux comptes (ajout et import)"),
      el("label", { class: "check" }, etat, " Compte activé"),
      el("label", { class: "check" }, billing, " Calcul billing activé"),
      el("div", { class: "row2" }, fDuree.wrap, fSolde.wrap)),
    message,
    el("div", { class: "form-actions" }, button("Enregistrer les paramètres", { primary: true, type: "submit" })));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message.textContent = "";
    try {
      const saved = await api.enregistrerParametres({
        devise: fCode.input.value,
        decimales: Number(decimals.value),
        indicatif: fCc.input.value,
        etat_defaut: etat.checked,
        billing_defaut: billing.checked,
        duree_defaut: fDuree.input.value,
        solde_defaut: fSolde.input.value,
      });
      for (const f of fields) f.setError("");
      setCurrency(saved.currency.code, saved.currency.decimals);
      toast("Paramètres enregistrés");
    } catch (err) {
      message.textContent = showFieldErrors(fields, err);
    }
  });
  host.append(el("div", { class: "page-inner narrow" },
    el("h2", {}, "Paramètres"),
    form,
    el("section", { class: "about-lines" },
      el("h3", {}, "Données"),
      el("p", {}, "Base de données : ", el("span", { class: "mono", id: "chemin-base" }, infos.base)),
      el("p", { class: "muted small" }, `Schéma ${infos.schema} · Forfaits ${infos.version} · opérateur ${infos.operateur}`))));
}
