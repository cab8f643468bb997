// Start-up and wiring: settings, the table and its row actions, the search bar, the views, the
// keyboard, progress and dropped files.

import { api, whenRefused } from "./api.js";
import { $, el, nom } from "./dom.js";
import { setCurrency, money, count } from "./format.js";
import { nombre, nombreOuAucun, de } from "./fr.js";
import { AccountTable } from "./table.js";
import { T } from "./strings.js";
import { toast, refuse, confirmDialog, isOpen, leavePanel, setFocusFallback, progress, modal, close, button } from "./ui.js";
import { openAccountForm } from "./account-form.js";
import { stateChanged as announceState, accountDeleted } from "./follow.js";
import { openBalance, refreshBalance } from "./balance.js";
import { openHistory } from "./history.js";
import { openImport } from "./import.js";
import { openExport } from "./export.js";
import { printSheet } from "./sheet.js";
import { renderCallsView } from "./calls-view.js";
import { renderJournal } from "./journal.js";
import { renderNumbers } from "./numbers.js";
import { renderSettings, settingsDirty } from "./settings.js";
import { initDrop, resetDropHandler } from "./drop.js";
import { setSession, can, site } from "./session.js";
import { signIn } from "./signin.js";

let infos = { base: "", base_nom: "", version: "", schema: 0, operateur: "" };
let table;

/** « 1 234 567 utilisateurs », and while searching « 1 234 567 utilisateurs · 42 trouvés pour
 * « ben » » (UI-GUIDE), the first part once every account was counted. */
function status({ total, query, all }) {
  if (!performance.getEntriesByName("forfaits:premieres-lignes").length) performance.mark("forfaits:premieres-lignes");
  const q = query.trim();
  const line = $("#statut-comptes");
  if (!q) line.textContent = nombreOuAucun(total, ...T.users);
  else if (all == null) line.textContent = T.shownFor(nombreOuAucun(total, "utilisateur trouvé", "utilisateurs trouvés"), q);
  else line.textContent = `${nombreOuAucun(all, ...T.users)} · ${T.shownFor(total === 0 ? "aucun trouvé" : nombre(total, "trouvé", "trouvés"), q)}`;
}

function showError(message) {
  toast(message, "error");
}

async function deleteAccount(a) {
  const ok = await confirmDialog({
    title: "Supprimer définitivement ?",
    lines: [
      [nom(a.nom), ` — matricule ${a.matricule}`],
      `Solde restant : ${money(a.solde)}`,
      "Le compte, ses numéros, ses mouvements et ses appels seront effacés. Cette action est définitive ; le journal en garde la trace.",
    ],
    confirmLabel: `Supprimer ${a.nom}`,
    danger: true,
  });
  if (!ok) return;
  try {
    await api.supprimerCompte(a.id);
    toast(`Compte ${de(a.nom)} supprimé`);
    accountDeleted(a);
    table.reload();
  } catch (err) {
    showError(err.message);
  }
}

const stateWord = (on) => (on ? "activé" : "désactivé");

/** The row shows the account's new state, and so does the panel open on it (follow.js): its
 * edit form, so that saving the form does not undo the switch, or its Gestion de solde. */
function stateChanged(updated) {
  table.replace(updated);
  announceState(updated);
}

// The accounts whose state is being changed: a press on their switch meanwhile (a double
// click, Space held down) is ignored, where it would change the state again from the row's
// old one. Kept by account, not on the switch: the row may be drawn anew meanwhile.
const switching = new Set();

/** Runs `change` for the account `a` unless a change of its state is on its way. */
async function oneChangeAtATime(a, change) {
  if (switching.has(a.id)) return;
  switching.add(a.id);
  try {
    await change();
  } catch (err) {
    showError(err.message);
  } finally {
    switching.delete(a.id);
  }
}

/** The switch acts at once; its toast offers Annuler (or Ctrl+Z) for a few seconds. */
function toggleState(a) {
  const before = a.etat_compte;
  return oneChangeAtATime(a, async () => {
    const updated = await api.changerEtat(a.id, !before);
    stateChanged(updated);
    toast(`Compte ${de(a.nom)} ${stateWord(updated.etat_compte)}`, "ok", {
      action: { label: "Annuler", undo: true, run: () => restoreState(updated, before) },
    });
  });
}

function restoreState(a, state) {
  return oneChangeAtATime(a, async () => {
    const back = await api.changerEtat(a.id, state);
    stateChanged(back);
    toast(`Changement annulé : compte ${de(a.nom)} de nouveau ${stateWord(back.etat_compte)}`);
  });
}

// The buttons of each row of the table, in the product page's order; `right`: what the
// signed-in role must be allowed (session.js). *Gestion de solde* is always there: a role that
// may not change a balance still reads it and its movements.
const ROW_ACTIONS = [
  { name: "modifier", right: "modifier", label: "Modifier", run: (a) => openAccountForm(a, (s) => table.replace(s)) },
  { name: "solde", label: "Gestion de solde", run: (a) => openBalance(a, (s) => table.replace(s)) },
  { name: "imprimer", right: "imprimer", label: "Imprimer", run: (a) => printSheet(a) },
  { name: "historique", right: "historique", label: "Télécharger historique des appels", run: (a) => openHistory(a) },
  { name: "supprimer", right: "supprimer", label: "Supprimer", danger: true, run: (a) => deleteAccount(a) },
];

/** Opening a row (double click, Enter): its form, or its balance for a role that may not edit. */
const openRow = (a) => (can("modifier") ? openAccountForm(a, (s) => table.replace(s)) : openBalance(a, (s) => table.replace(s)));

/** Hides what the signed-in role may not do, or what a site does not do yet. */
/**
 * After a refusal on a site: the rights read again, and if the administrator moved this user to
 * another role meanwhile, the page offers what the new role may do and says so.
 */
async function rightsAgain(command) {
  if (!site() || command === "infos_application") return;
  const fresh = await api.infos().catch(() => null);
  if (!fresh || JSON.stringify(fresh.droits) === JSON.stringify(infos.droits)) return;
  infos = fresh;
  setSession(fresh);
  $("#statut-base").textContent = fresh.base_nom;
  offerOnlyWhatIsAllowed();
  table.setActions(ROW_ACTIONS.filter((act) => !act.right || can(act.right)), can("etat") ? toggleState : null);
  if (document.querySelector(".tab[aria-current=page]")?.hidden) showView("comptes");
  toast(`Votre rôle sur le site est maintenant « ${fresh.site.role} » : la fenêtre n'offre plus que ce qu'il permet.`, "warn", { ms: 15000 });
}

function offerOnlyWhatIsAllowed() {
  $("#btn-ajouter").hidden = !can("creer");
  $("#btn-importer").hidden = !can("importer");
  $("#btn-exporter").hidden = !can("exporter");
  // Enter opens what `openRow` opens.
  $("#recherche").title = `↓ ↑ : choisir une ligne · Entrée : ${can("modifier") ? "la modifier" : "gérer son solde"} · Échap : effacer`;
  for (const tab of document.querySelectorAll(".tab[data-vue]")) {
    const view = tab.dataset.vue;
    if (view !== "comptes") tab.hidden = !can(view);
  }
}

// On a site, other desks change accounts too: the visible page is read again when the window
// comes back to the front, and every little while as long as it is shown.
const REFRESH_MS = 10000;

function refreshVisible() {
  if (!table || document.hidden) return;
  if (!$("#vue-comptes").hidden) table.refresh();
  refreshBalance();
}

function followOtherDesks() {
  window.addEventListener("focus", refreshVisible);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refreshVisible();
  });
  setInterval(refreshVisible, REFRESH_MS);
}

let askingToLeave = false; // a keystroke in the search box meanwhile asks nothing more

/** Leaves Paramètres for `name`, asking first when something typed there is not saved. A
 * screen whose long work is running (`holding`: the calls being loaded) is not left nor drawn
 * again: its outcome would be written where no one sees it. */
async function showView(name) {
  const held = document.querySelector(".view:not([hidden]) [data-occupe]");
  if (held) {
    refuse(held.dataset.occupe);
    return;
  }
  if (!$("#vue-parametres").hidden && name !== "parametres" && settingsDirty()) {
    if (askingToLeave) return;
    askingToLeave = true;
    const leave = await confirmDialog({
      title: "Quitter les paramètres sans enregistrer ?",
      lines: ["Des modifications ne sont pas enregistrées."],
      cancelLabel: "Continuer la saisie",
      confirmLabel: "Quitter sans enregistrer",
      danger: true,
    }).finally(() => {
      askingToLeave = false;
    });
    if (!leave) return;
  }
  drawView(name);
}

function drawView(name) {
  for (const tab of document.querySelectorAll(".tab[data-vue]")) {
    if (tab.dataset.vue === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== `vue-${name}`;
  resetDropHandler();
  const onAccounts = name === "comptes";
  document.body.classList.toggle("on-accounts", onAccounts);
  if (name === "appels") renderCallsView($("#vue-appels"), () => table.reload());
  if (name === "numeros") renderNumbers($("#vue-numeros"));
  if (name === "journal") renderJournal($("#vue-journal"));
  if (name === "parametres") {
    renderSettings($("#vue-parametres"), infos, async () => {
      infos = await api.infos();
      setCurrency(infos.devise, infos.decimales);
      showView("comptes");
    }).catch((e) => showError(e.message));
  }
  if (onAccounts) {
    table.reload();
    $("#recherche").focus();
  }
}

function about() {
  modal({
    title: "À propos de Forfaits",
    body: el("div", { class: "about-lines" },
      el("p", {}, el("strong", {}, `Forfaits ${infos.version}`), " — gestion des forfaits d'appels prépayés (module Taxation)."),
      el("p", {}, site() ? "Base de site : " : "Base de données : ", el("span", { class: "mono" }, infos.base)),
      site() ? el("p", {}, `Connecté en tant que ${site().utilisateur}, rôle ${site().role}.`) : null,
      el("p", {}, `Version du schéma : ${infos.schema}`),
      el("p", { class: "muted small" }, `Opérateur : ${infos.operateur}`)),
    footer: [button("Fermer", { primary: true, onclick: () => close() })],
  });
}

async function start() {
  try {
    infos = await api.infos();
    performance.mark("forfaits:infos");
    setSession(infos);
    setCurrency(infos.devise, infos.decimales);
    $("#statut-base").textContent = infos.base_nom;
    $("#statut-base").title = infos.base;
  } catch (e) {
    toast(`${e.message} La fenêtre n'offre aucune action tant que la base n'est pas lue : fermez Forfaits et rouvrez-le.`, "error", { ms: Infinity });
    $("#statut-base").textContent = "Base non lue";
  }
  offerOnlyWhatIsAllowed();
  table = new AccountTable($("#table-comptes"), {
    onStatus: status,
    onError: showError,
    actions: ROW_ACTIONS.filter((act) => !act.right || can(act.right)),
    onToggleState: can("etat") ? toggleState : null,
    onOpen: openRow,
  });
  whenRefused((command) => rightsAgain(command));
  setFocusFallback((lost) => table.refocus(lost));
  table.reload();

  const search = $("#recherche");
  search.addEventListener("input", () => {
    if ($("#vue-comptes").hidden) showView("comptes");
    table.setQuery(search.value);
  });
  // From the search field or the table: arrows and page keys choose a row, Enter opens it.
  const tableKeys = (e) => {
    // On another tab the search box waits for a word (typing brings the accounts back).
    if (isOpen() || e.altKey || e.ctrlKey || e.metaKey || $("#vue-comptes").hidden) return;
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: "page", PageUp: "-page" }[e.key];
    if (step !== undefined) {
      e.preventDefault();
      // Measured only for the page keys: reading the layout on every keystroke costs a reflow.
      table.move(typeof step === "number" ? step : (step === "page" ? 1 : -1) * table.pageRows());
    } else if (e.key === "Enter") {
      // Enter on a row's button or switch is that control's own action, not the selected row's.
      if (e.target !== search && e.target.closest("button, input")) return;
      const a = table.selected();
      if (a) {
        e.preventDefault();
        openRow(a);
      }
    }
  };
  search.addEventListener("keydown", tableKeys);
  table.scroller.addEventListener("keydown", tableKeys);
  $("#btn-ajouter").addEventListener("click", () => openAccountForm(null, () => table.reload()));
  $("#btn-importer").addEventListener("click", () => openImport(() => table.reload()));
  $("#btn-exporter").addEventListener("click", openExport);
  $("#btn-apropos").addEventListener("click", about);
  for (const tab of document.querySelectorAll(".tab[data-vue]")) {
    tab.addEventListener("click", () => showView(tab.dataset.vue));
  }
  document.body.classList.add("on-accounts");

  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
      e.preventDefault();
      leavePanel(() => {
        if ($("#vue-comptes").hidden) showView("comptes");
        search.focus();
        search.select();
      });
    } else if (e.key === "/" && !typing && !isOpen()) {
      e.preventDefault();
      // From another tab too: the accounts come back.
      if ($("#vue-comptes").hidden) showView("comptes");
      search.focus();
    } else if (e.key === "Escape" && e.target === search && search.value && !isOpen() && !e.defaultPrevented) {
      // Not when that Esc just closed a panel (ui.js): one key, one thing.
      search.value = "";
      table.setQuery("");
    }
  });

  api.onProgress(progress).catch(() => {});
  initDrop((file) => {
    if (!can("importer")) {
      toast("Votre rôle ne permet pas d'importer des utilisateurs.", "error");
      return;
    }
    if (!isOpen()) openImport(() => table.reload(), file);
  });
  if (site()) followOtherDesks();
  search.focus();
}

// A command's failure that no screen caught (a file dialog refused, a read lost on the way):
// said in its French words rather than lost in the console.
window.addEventListener("unhandledrejection", (e) => {
  const err = e.reason;
  if (err && typeof err === "object" && "code" in err && err.message) {
    e.preventDefault();
    toast(err.message, "error");
  }
});

/** On a site, the clerk signs in first; then the window as always. */
async function boot() {
  // Marks of the start-up, read by the window benchmark (make bench-ui).
  performance.mark("forfaits:boot");
  let warning = null;
  try {
    const etat = await api.etatConnexion();
    performance.mark("forfaits:connexion");
    if (etat.requise) warning = (await signIn(etat)).avertissement;
  } catch (e) {
    showError(e.message);
  }
  await start();
  if (warning) toast(warning, "warn", { ms: 8000 });
}

boot();
