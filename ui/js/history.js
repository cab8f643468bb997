// Télécharger historique des appels: for a period, the calls of one account (Appels) and the
// questions the telephony server asked before each call with Forfaits' answer (Demandes
// d'appel: « Refusé : solde insuffisant »), so that a clerk can say why a call did not go
// through. Two tabs over the same period; the tab of the requests counts the refusals and the
// calls in progress, so they are seen without opening it. The CSV saved through the native
// dialog holds the calls. The days are read by Rust (a day that does not exist, an inverted
// period come back under their field); each footer counts the rows its table shows.

import { api } from "./api.js";
import { el, nom } from "./dom.js";
import { amount, currencyInfo, dateTime, duration, count as grouped } from "./format.js";
import { button, field, panel, toast, working, showFieldErrors, isFieldsError, oneAtATime } from "./ui.js";
import { nombre, accord } from "./fr.js";
import { pager } from "./paging.js";
import { follow as followAccount } from "./follow.js";

const PAGE = 100;

/** A table filled page by page, newest first, with its footer ("100 sur 250 appels"). */
function pagedList({ id, headers, numeric, fetch, row, counted, empty }) {
  const rows = el("tbody");
  const count = el("span", { class: "muted small" });
  let period = null;
  const list = pager({
    page: PAGE,
    rows,
    row,
    fetch: (after, n) => fetch(period, n, after),
    foot: (r, loaded) => {
      if (r === null) count.textContent = "";
      else if (!r.total) count.textContent = empty;
      else count.textContent = loaded >= r.total ? counted(r) : `${grouped(loaded)} sur ${counted(r)}`;
    },
  });
  const more = list.more;
  /** Resolves to the answer, or rejects with the error (then the table is empty). */
  const load = (reset, p = period) => {
    period = p;
    return list.load(reset);
  };
  const view = el("div", { class: "history-list" },
    el("table", { class: "mini-grid", id },
      el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { class: numeric.includes(i) ? "num" : "" }, h)))),
      rows),
    el("div", { class: "list-foot" }, count, more));
  return { view, load };
}

function callRow(c) {
  return el("tr", { class: c.hors_touches ? "flagged" : "" },
    el("td", { class: "num" }, dateTime(c.date)),
    el("td", { class: "mono" }, c.numero),
    el("td", { class: "num" }, c.touche ?? ""),
    el("td", { class: "num" }, duration(c.duree_s)),
    el("td", { class: "num" }, amount(c.cout)),
    el("td", { class: `num ${c.solde_apres !== null && c.solde_apres <= 0 ? "negative" : ""}` }, c.solde_apres === null ? "" : amount(c.solde_apres)),
    el("td", {}, c.statut),
    el("td", {}, c.hors_touches ? el("span", { class: "badge badge-forfait", title: "Numéro hors des touches du compte" }, "Hors touches") : ""));
}

/** What became of an authorization: in progress, billed, or its hold expired without hang-up. */
function follow(d) {
  if (d.code !== "ok") return "";
  if (d.open) return el("span", { class: "badge badge-ok en-cours" }, "Appel en cours");
  if (d.settled) return el("span", { class: "muted" }, "Terminé, facturé");
  return el("span", { class: "muted", title: "Aucune fin d'appel reçue ; la réservation a expiré" }, "Sans fin d'appel");
}

/** A key was pressed (1 to 10, as the service reads it: `asked` in control/decide.rs), rather
 * than a number dialed; "0", "05" or "11" were neither and are shown as typed. */
const byKey = (d) => /^(?:[1-9]|10)$/.test(d.asked);

function attemptRow(d) {
  const refused = d.code !== "ok";
  return el("tr", { class: refused ? "refused" : d.open ? "in-progress" : "", "data-code": d.code },
    el("td", { class: "num" }, dateTime(d.at)),
    el("td", { class: byKey(d) ? "" : "mono" }, byKey(d) ? `Touche ${d.asked}` : d.asked),
    el("td", { class: "mono" }, d.number),
    el("td", { class: refused ? "decision negative" : "decision positive" }, d.label),
    el("td", { class: "num" }, d.open ? amount(d.reserved) : ""),
    el("td", {}, follow(d)));
}

/** "5 demandes · 2 refusées · 1 en cours" (the period's counts, whatever is loaded). */
function attemptCounts(r) {
  const parts = [nombre(r.total, "demande", "demandes")];
  if (r.refusees) parts.push(`${r.refusees} ${accord("refusé", { feminin: true, n: r.refusees })}`);
  if (r.en_cours) parts.push(`${r.en_cours} en cours`);
  return parts.join(" · ");
}

export function openHistory(account) {
  const a = account;
  const fFrom = field("Du", { key: "depuis", hint: "jj/mm/aaaa ; vide : depuis le début" });
  const fTo = field("Au (inclus)", { key: "jusqua", hint: "jj/mm/aaaa ; vide : jusqu'à aujourd'hui" });
  fFrom.input.placeholder = "jj/mm/aaaa";
  fTo.input.placeholder = "jj/mm/aaaa";
  const message = el("div", { class: "form-error", role: "alert" });
  const period = () => ({ du: fFrom.input.value, au: fTo.input.value });
  const dateFields = [fFrom, fTo];

  const calls = pagedList({
    id: "table-historique",
    headers: ["Date", "Numéro", "Touche", "Durée", `Coût (${currencyInfo().code})`, `Solde après (${currencyInfo().code})`, "Statut", ""],
    numeric: [0, 2, 3, 4, 5],
    fetch: async (p, n, after) => {
      const r = await api.historique(a.id, p, n, after);
      return { ...r, items: r.appels };
    },
    row: callRow,
    counted: (r) => nombre(r.total, "appel", "appels"),
    empty: "Aucun appel sur cette période.",
  });
  const attempts = pagedList({
    id: "table-demandes",
    headers: ["Date", "Demande", "Numéro", "Décision", `Réservé (${currencyInfo().code})`, "Suivi"],
    numeric: [0, 4],
    fetch: async (p, n, after) => {
      const r = await api.demandesAppel(a.id, p, n, after);
      return { ...r, items: r.demandes };
    },
    row: attemptRow,
    counted: attemptCounts,
    empty: "Aucune demande d'appel sur cette période.",
  });

  // Tabs: the counts sit in slots of a minimum width, so the tabs hardly move when they arrive.
  const callsCount = el("span", { class: "tab-count" });
  const attemptsCount = el("span", { class: "tab-count" });
  const refusedCount = el("span", { class: "tab-flag refused", hidden: true });
  const openCount = el("span", { class: "tab-flag open", hidden: true });
  const tabCalls = el("button", { type: "button", role: "tab", class: "subtab", id: "onglet-appels" }, "Appels ", callsCount);
  const tabAttempts = el("button", { type: "button", role: "tab", class: "subtab", id: "onglet-demandes" }, "Demandes d'appel ", attemptsCount, refusedCount, openCount);
  const views = [[tabCalls, calls.view], [tabAttempts, attempts.view]];
  const show = (tab) => {
    for (const [t, v] of views) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      v.hidden = !on;
    }
  };
  tabCalls.addEventListener("click", () => show(tabCalls));
  tabAttempts.addEventListener("click", () => show(tabAttempts));
  const tabs = el("div", { class: "subtabs", role: "tablist", "aria-label": "Historique" }, tabCalls, tabAttempts);
  tabs.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const next = document.activeElement === tabCalls ? tabAttempts : tabCalls;
    show(next);
    next.focus();
  });
  for (const [t, v] of views) {
    v.id = `${t.id}-vue`;
    t.setAttribute("aria-controls", v.id);
    v.setAttribute("role", "tabpanel");
    v.setAttribute("aria-labelledby", t.id);
  }
  show(tabCalls);

  const reload = async () => {
    const p = period();
    const [c, d] = await Promise.allSettled([calls.load(true, p), attempts.load(true, p)]);
    if (c.status === "fulfilled" && c.value) {
      message.textContent = "";
      for (const f of dateFields) f.setError("");
      callsCount.textContent = grouped(c.value.total);
    } else if (c.status === "rejected") {
      callsCount.textContent = "";
      message.textContent = showFieldErrors(dateFields, c.reason);
    }
    if (d.status === "fulfilled" && d.value) {
      attemptsCount.textContent = grouped(d.value.total);
      refusedCount.hidden = !d.value.refusees;
      refusedCount.textContent = d.value.refusees ? `${grouped(d.value.refusees)} ${accord("refusé", { feminin: true, n: d.value.refusees })}` : "";
      openCount.hidden = !d.value.en_cours;
      openCount.textContent = d.value.en_cours ? `${grouped(d.value.en_cours)} en cours` : "";
    } else if (d.status === "rejected") {
      for (const c of [attemptsCount, refusedCount, openCount]) c.textContent = "";
      refusedCount.hidden = true;
      openCount.hidden = true;
    }
  };
  fFrom.input.addEventListener("change", reload);
  fTo.input.addEventListener("change", reload);

  const download = async () => {
    const p = period();
    const fichier = `historique-${a.matricule}.csv`;
    const dest = await api.choisirDestination("Télécharger l'historique des appels", fichier);
    if (!dest) return;
    try {
      const n = await working("Export de l'historique…", api.exporterHistorique(a.id, p, dest.jeton));
      toast(`Historique enregistré : ${nombre(n, "appel", "appels")}`);
    } catch (err) {
      if (isFieldsError(err)) message.textContent = showFieldErrors(dateFields, err);
      else toast(err.message, "error");
    }
  };

  const body = el("div", {},
    el("div", { class: "period" }, fFrom.wrap, fTo.wrap, oneAtATime(button("Télécharger historique des appels", { primary: true, id: "btn-telecharger-historique" }), download)),
    message,
    tabs,
    calls.view,
    attempts.view);
  // Its calls go with the account: the panel closes when the table deletes it.
  followAccount(body, a.id);
  panel({
    title: ["Historique des appels — ", nom(a.nom)],
    body,
    wide: true,
  });
  reload();
}
