// Gestion de solde: the balance, a movement typed with amount and reason, and the history with
// the balance after each movement. The button says what the movement does with the amounts
// Rust computed ("Créditer 12,500 TND → solde 36,810 TND"); above the threshold of the
// Settings, the movement is confirmed first. While a call is in progress, the amount it holds
// is shown under the balance, and a debit that would leave less than it is said before saving.

import { api } from "./api.js";
import { el, nom } from "./dom.js";
import { money, dateTime, amount, currencyInfo, count as grouped } from "./format.js";
import { button, field, onSubmit, panel, showFieldErrors, toast, confirmDialog } from "./ui.js";
import { pager } from "./paging.js";
import { nombre } from "./fr.js";
import { movementKinds, site } from "./session.js";
import { follow } from "./follow.js";

const KINDS = [
  { code: "recharge", label: "Crédit (recharge)", verb: "Créditer" },
  { code: "debit", label: "Débit", verb: "Débiter" },
  { code: "correction", label: "Correction (±)", verb: "Corriger de" },
  { code: "remboursement", label: "Remboursement", verb: "Rembourser" },
];

const PAGE = 50;

// The open panel's refresh, while it is open: other desks change balances too (main.js calls
// it when the window comes back to the front).
let refreshOpen = null;

/** Reads the open panel's balance and movements again, if a panel is open. */
export function refreshBalance() {
  if (refreshOpen) refreshOpen();
}

export function openBalance(account, onChanged) {
  let a = account;
  // Only the kinds the signed-in role may type (on a site, the cash desk: Recharge).
  const allowed = KINDS.filter((k) => movementKinds().includes(k.code));
  const balance = el("div", { class: "big-balance num" });
  const state = el("span", { class: "badge" });
  // What calls in progress hold (minor units), as Rust counted it with the movements.
  let reserve = 0;
  const held = el("div", { class: "reserve-line muted small", id: "solde-reserve" });
  const showReserve = () => {
    held.textContent = reserve > 0 ? `dont ${money(reserve)} réservés pour un appel en cours` : "";
    warning.hidden = reserve <= 0;
  };
  const showBalance = () => {
    balance.textContent = money(a.solde);
    balance.classList.toggle("negative", a.solde <= 0);
    state.className = `badge badge-${a.etat_general}`;
    state.textContent = a.etat_general_libelle;
  };
  showBalance();

  const kind = el("select", {}, allowed.map((k) => el("option", { value: k.code }, k.label)));
  const fKind = field("Opération", { key: "type", control: kind });
  // Hints about the kinds offered only (the cash desk types recharges).
  const offers = (code) => allowed.some((k) => k.code === code);
  const fAmount = field(`Montant (${currencyInfo().code})`, { key: "montant", inputmode: "decimal", hint: offers("correction") ? "Par exemple 12,500 ; une correction peut être négative (-2,500)" : "Par exemple 12,500" });
  const fReason = field("Motif", { key: "motif", maxlength: 200, hint: allowed.every((k) => k.code === "recharge") ? "Facultatif" : "Obligatoire sauf pour une recharge" });
  const fields = [fKind, fAmount, fReason];
  const message = el("div", { class: "form-error", role: "alert" });
  // Only while something is reserved, and then always there (empty or not): nothing jumps.
  const warning = el("div", { class: "reserve-warning", id: "avertissement-reserve", role: "status", hidden: true });
  const submit = button("Créditer", { primary: true, type: "submit", id: "btn-mouvement" });
  const verb = () => (KINDS.find((x) => x.code === kind.value) || { verb: "Enregistrer" }).verb;
  /** The amount of the preview as the clerk reads it: a correction with its sign (it may take
   * away), the other kinds as the positive amount their verb says. */
  const shownAmount = (p) => money(kind.value === "correction" || p.montant >= 0 ? p.montant : -p.montant);
  /** "Créditer 12,500 TND → solde 36,810 TND" from the preview (minor units), never the raw input. */
  const effect = (p) => {
    const shown = shownAmount(p);
    return p.refuse ? `${verb()} ${shown}` : `${verb()} ${shown} → solde ${money(p.solde_apres)}`;
  };
  let asked = 0;
  /** The preview of what is typed, or null when the amount is not (yet) a valid one. */
  const preview = async () => {
    const v = fAmount.input.value;
    if (!v.trim()) return null;
    try {
      return await api.apercuMouvement(a.id, kind.value, v);
    } catch {
      return null;
    }
  };
  /** A debit (or negative correction) that leaves less than the calls in progress hold. */
  const eatsReserve = (p) => p && !p.refuse && p.montant < 0 && p.reserve > 0 && p.solde_apres < p.reserve;
  const reserveWarning = (p) =>
    `Après ce mouvement, le solde (${money(p.solde_apres)}) ne couvre plus les ${money(p.reserve)} réservés pour l'appel en cours : à la fin de l'appel, le solde pourra devenir négatif.`;
  const label = async () => {
    const n = ++asked;
    const p = await preview();
    if (n !== asked) return;
    submit.textContent = p ? effect(p) : verb();
    if (p) {
      reserve = p.reserve;
      showReserve();
    }
    warning.textContent = eatsReserve(p) ? reserveWarning(p) : "";
  };
  // A refusal said under the form was about the movement typed before: a new one clears it.
  const changed = () => {
    message.textContent = "";
    label();
  };
  kind.addEventListener("change", changed);
  fAmount.input.addEventListener("input", changed);
  submit.textContent = verb();

  const rows = el("tbody");
  const count = el("span", { class: "muted small" });
  const movements = pager({
    page: PAGE,
    rows,
    fetch: async (after, n) => {
      const r = await api.mouvements(a.id, n, after);
      reserve = r.reserve;
      showReserve();
      return { items: r.mouvements, total: r.total };
    },
    row: (m) => el("tr", {},
      el("td", { class: "num" }, dateTime(m.date)),
      el("td", {}, m.libelle),
      el("td", { class: `num ${m.montant < 0 ? "negative" : "positive"}` }, `${m.montant > 0 ? "+" : ""}${amount(m.montant)}`),
      el("td", { class: `num ${m.solde_apres <= 0 ? "negative" : ""}` }, amount(m.solde_apres)),
      el("td", { class: "ellipsis", title: m.motif, dir: "auto" }, m.motif),
      el("td", { class: "muted" }, m.operateur)),
    foot: (r, loaded) => {
      const all = r && nombre(r.total, "mouvement", "mouvements");
      count.textContent = !r ? "" : !r.total ? "Aucun mouvement." : loaded >= r.total ? all : `${grouped(loaded)} sur ${all}`;
    },
  });
  const { more, load } = movements;

  const form = allowed.length
    ? el("form", { class: "movement-form", novalidate: true }, el("div", { class: "row3" }, fKind.wrap, fAmount.wrap, fReason.wrap), warning, message, el("div", { class: "form-actions" }, submit))
    : el("p", { class: "muted", id: "solde-lecture-seule" }, `Votre rôle (${site() ? site().role : ""}) permet de consulter le solde et les mouvements, pas d'en saisir.`);
  const record = async () => {
    for (const f of fields) f.setError("");
    const p = await preview();
    if (p && p.confirmation && !p.refuse) {
      const ok = await confirmDialog({
        title: "Confirmer ce montant ?",
        lines: [
          `${KINDS.find((x) => x.code === kind.value).label} de ${shownAmount(p)} pour ${a.nom}.`,
          `Solde actuel : ${money(p.solde_avant)} ; après le mouvement : ${money(p.solde_apres)}.`,
          ...(eatsReserve(p) ? [reserveWarning(p)] : []),
          `Ce montant dépasse le seuil de confirmation (${money(p.seuil)}, réglable dans Paramètres).`,
        ],
        confirmLabel: effect(p),
      });
      if (!ok) {
        fAmount.input.focus();
        return;
      }
    }
    const r = await api.saisirMouvement(a.id, kind.value, fAmount.input.value, fReason.input.value, Boolean(p && p.confirmation));
    a = r.compte;
    showBalance();
    const m = r.mouvement;
    toast(`Mouvement enregistré — ${m.libelle} : ${m.montant > 0 ? "+" : ""}${money(m.montant)}`);
    fAmount.input.value = "";
    fReason.input.value = "";
    await label();
    // Saved: a failed read of the list is said in the list, not as a failed movement. The rows
    // shown stay (« Afficher plus » included), the new one above them.
    await movements.refresh(1).catch(() => {});
    onChanged(a);
    fAmount.input.focus();
  };
  onSubmit(form, { message, submit }, record, (err) => showFieldErrors(fields, err));

  // What another desk did meanwhile: the balance and the movements read again (what is typed stays).
  const refresh = async () => {
    try {
      a = await api.compte(a.id);
      showBalance();
      // As many rows as the clerk brought in with « Afficher plus »: nothing moves on its own.
      await movements.refresh();
      if (fAmount.input.value.trim()) await label();
      onChanged(a);
    } catch {
      /* deleted meanwhile, or the server away: the next action says so */
    }
  };

  const body = el("div", { class: "balance-panel" },
    el("div", { class: "balance-head" }, el("div", {}, el("div", { class: "muted small" }, `Matricule ${a.matricule} · Identifiant ${a.identifiant}`), balance, held), state),
    form,
    el("h3", {}, "Mouvements"),
    el("table", { class: "mini-grid" },
      el("thead", {}, el("tr", {}, ["Date", "Type", `Montant (${currencyInfo().code})`, `Solde après (${currencyInfo().code})`, "Motif", "Opérateur"].map((h, i) => el("th", { class: i === 2 || i === 3 || i === 0 ? "num" : "" }, h)))),
      rows),
    el("div", { class: "list-foot" }, count, more));
  // The table's switch changes the state shown here; its Supprimer closes the panel.
  follow(body, a.id, (updated) => {
    a = updated;
    showBalance();
  });
  panel({
    title: ["Gestion de solde — ", nom(a.nom)],
    // Refreshed only once shown: a panel that waits for another to close (unsaved) is not yet.
    onOpen: () => {
      refreshOpen = refresh;
    },
    onClose: () => {
      if (refreshOpen === refresh) refreshOpen = null;
    },
    body,
    isDirty: () => fAmount.input.value.trim() !== "" || fReason.input.value.trim() !== "",
    wide: true,
  });
  if (allowed.length) fAmount.input.focus();
  load(true).catch(() => {});
}
