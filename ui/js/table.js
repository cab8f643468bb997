// The accounts table: sticky header and name column, rows fetched from Rust page by page and
// rendered only where they are visible (a million accounts scroll like a hundred).

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { iconButton } from "./ui.js";
import { money, dateTime } from "./format.js";
import { COLUMNS, T } from "./strings.js";

const ROW_H = 32;
const PAGE = 200;
// Rows drawn beyond each edge of the view, and rows whose page is fetched ahead of the scroll:
// drawing few keeps a keystroke's redraw small, fetching ahead keeps scrolling free of gaps.
const OVERSCAN = 4;
const PREFETCH = 60;
const MAX_PAGES_KEPT = 24;
// Browsers cap the height of an element (about 33 million px in WebKit): beyond this the
// scrollbar is scaled instead of being one pixel per pixel.
const MAX_SCROLL_PX = 8_000_000;

export class AccountTable {
  /**
   * `actions`: the per-row buttons, `{ name, label, danger, run(account) }`; one handler on the
   * table body serves every row (rows are cloned from a template, without listeners of their own).
   */
  constructor(host, { onStatus, onError, actions = [], onToggleState, onOpen, columns = COLUMNS } = {}) {
    this.host = host;
    this.columns = columns;
    this.onStatus = onStatus || (() => {});
    this.onError = onError || (() => {});
    this.actions = actions;
    this.onToggleState = onToggleState;
    this.onOpen = onOpen;
    this.query = "";
    this.sort = { key: "nom", desc: false };
    this.total = 0;
    // Every account, for the status line while a search narrows the list (null: not known yet).
    this.all = null;
    this.pages = new Map();
    this.pending = new Set();
    this.generation = 0;
    this.selectedId = null;
    // Position of the selected row in the current list (-1: none), for the arrow keys.
    this.selectedIndex = -1;
    this.loaded = false;
    this.build();
  }

  build() {
    this.scroller = el("div", { class: "scroller", tabindex: "-1" });
    this.table = el("table", { class: "grid", role: "grid", "aria-rowcount": "0" });
    const colgroup = el("colgroup");
    let width = 0;
    for (const c of this.columns) {
      colgroup.append(el("col", { style: { width: `${c.width}px` } }));
      width += c.width;
    }
    this.table.style.width = `${width}px`;
    this.thead = el("thead");
    this.headRow = el("tr");
    for (const c of this.columns) this.headRow.append(this.headerCell(c));
    this.thead.append(this.headRow);
    this.tbody = el("tbody");
    this.table.append(colgroup, this.thead, this.tbody);
    this.empty = el("div", { class: "empty-state", hidden: true });
    this.scroller.append(this.table);
    this.host.append(this.scroller, this.empty);
    this.rowTemplate = this.template(false);
    this.loadingTemplate = this.template(true);
    this.tbody.addEventListener("click", (e) => this.onClick(e));
    this.tbody.addEventListener("dblclick", (e) => {
      const a = this.accountOf(e.target);
      if (a && this.onOpen && !e.target.closest("button")) this.onOpen(a);
    });
    let queued = false;
    this.scroller.addEventListener("scroll", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.render();
      });
    });
    new ResizeObserver(() => this.render()).observe(this.scroller);
  }

  headerCell(c) {
    if (c.actions) {
      return el("th", { scope: "col", class: "col-actions sticky-2" }, el("span", { class: "th-label" }, c.label));
    }
    const th = el("th", {
      scope: "col",
      class: [c.sticky ? "sticky" : "", c.num ? "num" : ""].join(" ").trim(),
      "aria-sort": "none",
      dataset: { key: c.key },
    });
    const button = el("button", {
      type: "button",
      class: "sort",
      title: `Trier par ${c.label}`,
      onclick: () => this.toggleSort(c.key),
    }, el("span", { class: "label", text: c.short ? c.short : c.label }), el("span", { class: "arrow", "aria-hidden": "true" }));
    if (c.short) button.setAttribute("aria-label", `${c.label} — trier`);
    th.append(button);
    return th;
  }

  toggleSort(key) {
    this.sort = this.sort.key === key ? { key, desc: !this.sort.desc } : { key, desc: false };
    // A new order is read from its top: the rows at the old scroll position are others now.
    this.reload({ keepScroll: false });
  }

  setQuery(text) {
    if (text === this.query) return;
    this.query = text;
    this.reload({ keepScroll: false, recount: false });
  }

  /** Drops every cached page and reads again (after a change, a search, a sort); unless only the
   * search changed, every account is counted again too. */
  reload({ keepScroll = true, recount = true } = {}) {
    this.generation += 1;
    this.pages.clear();
    this.pending.clear();
    // Rows may have moved: the selection's position is found again from its id when needed.
    this.selectedIndex = -1;
    if (!keepScroll) {
      this.scroller.scrollTop = 0;
      // A new search starts without a selection: Enter must not open a row out of view.
      this.selectedId = null;
    }
    for (const th of this.headRow.children) {
      const key = th.dataset.key;
      if (!key) continue;
      const active = key === this.sort.key;
      th.setAttribute("aria-sort", active ? (this.sort.desc ? "descending" : "ascending") : "none");
      const arrow = th.querySelector(".arrow");
      if (arrow) arrow.textContent = active ? (this.sort.desc ? "▼" : "▲") : "";
    }
    if (recount) this.recount();
    return this.fetchPage(Math.floor(this.firstVisible() / PAGE), true);
  }

  status() {
    this.onStatus({ total: this.total, query: this.query, all: this.all });
  }

  /** While a search narrows the list, counts every account again (a write, another desk): the
   * page read next does it when there is no search. */
  recount() {
    if (!this.query.trim()) return;
    api.listerComptes({ recherche: "", tri: this.sort.key, desc: false, decalage: 0, limite: 1 }).then(
      (page) => {
        if (page.total === this.all) return;
        this.all = page.total;
        // Said now if the search's own page is in; else with it.
        if (this.loaded && this.pending.size === 0) this.status();
      },
      () => {}, // the table's own read says what failed
    );
  }

  /**
   * Reads the rows on screen again without blanking them (another desk changed something):
   * they stay as they are until their new page arrives; pages out of view are dropped.
   */
  refresh() {
    if (!this.loaded) return this.reload();
    this.generation += 1;
    this.pending.clear();
    this.selectedIndex = -1;
    const g = this.geometry();
    const from = Math.floor(Math.max(0, g.first - OVERSCAN) / PAGE);
    const to = Math.floor(Math.max(0, g.first + g.visible + OVERSCAN - 1) / PAGE);
    for (const p of [...this.pages.keys()]) if (p < from || p > to) this.pages.delete(p);
    const asks = [];
    this.recount();
    for (let p = from; p <= to; p++) asks.push(this.fetchPage(p, p === from, true));
    return Promise.all(asks);
  }

  fetchPage(pageNo, resetTotal = false, again = false) {
    if (this.pending.has(pageNo) || (!again && this.pages.has(pageNo))) return Promise.resolve();
    this.pending.add(pageNo);
    const gen = this.generation;
    const requete = {
      recherche: this.query,
      tri: this.sort.key,
      desc: this.sort.desc,
      decalage: pageNo * PAGE,
      limite: PAGE,
    };
    return api.listerComptes(requete).then(
      (page) => {
        if (gen !== this.generation) return;
        this.pending.delete(pageNo);
        this.pages.set(pageNo, page.lignes);
        this.evict(pageNo);
        const totalChanged = page.total !== this.total;
        this.total = page.total;
        if (!this.query.trim()) this.all = page.total;
        this.loaded = true;
        this.failed = null;
        if (totalChanged || resetTotal) this.status();
        this.render();
      },
      (err) => {
        if (gen !== this.generation) return;
        this.pending.delete(pageNo);
        // A refresh that fails as the last one did (the server away) says it once.
        if (again && this.failed === err.message) return;
        this.failed = err.message;
        this.onError(T.loadError + err.message);
      },
    );
  }

  evict(keep) {
    if (this.pages.size <= MAX_PAGES_KEPT) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES_KEPT)) this.pages.delete(p);
  }

  viewportRows() {
    const h = this.scroller.clientHeight - (this.thead.offsetHeight || ROW_H);
    return Math.max(1, Math.ceil(h / ROW_H));
  }

  geometry() {
    const natural = this.total * ROW_H;
    const content = Math.min(natural, MAX_SCROLL_PX);
    const visible = this.viewportRows();
    const top = this.scroller.scrollTop;
    let first;
    if (natural <= MAX_SCROLL_PX) {
      first = Math.floor(top / ROW_H);
    } else {
      const maxScroll = Math.max(1, content - visible * ROW_H);
      first = Math.round((Math.min(top, maxScroll) / maxScroll) * Math.max(0, this.total - visible));
    }
    first = Math.max(0, Math.min(first, Math.max(0, this.total - 1)));
    return { natural, content, visible, top, first };
  }

  firstVisible() {
    return this.total ? this.geometry().first : 0;
  }

  rowAt(index) {
    const page = this.pages.get(Math.floor(index / PAGE));
    return page ? page[index % PAGE] : undefined;
  }

  render() {
    const g = this.geometry();
    const start = Math.max(0, g.first - OVERSCAN);
    const end = Math.min(this.total, g.first + g.visible + OVERSCAN);
    // The page on screen first, then the neighbours the next scroll steps will reach.
    const ahead = [Math.floor(start / PAGE), Math.floor(Math.max(start, end - 1) / PAGE)];
    ahead.push(Math.floor(Math.max(0, start - PREFETCH) / PAGE));
    ahead.push(Math.floor(Math.min(Math.max(0, this.total - 1), end + PREFETCH) / PAGE));
    for (const p of ahead) {
      if (p * PAGE < this.total) this.fetchPage(p);
    }
    const scaled = g.natural > MAX_SCROLL_PX;
    const topPx = Math.max(0, scaled ? g.top - (g.first - start) * ROW_H : start * ROW_H);
    const bottomPx = Math.max(0, g.content - topPx - (end - start) * ROW_H);
    const frag = document.createDocumentFragment();
    frag.append(this.spacer(topPx));
    for (let i = start; i < end; i++) frag.append(this.renderRow(i, this.rowAt(i)));
    frag.append(this.spacer(bottomPx));
    // The rows are made anew: the keyboard stays on the same control of the same account.
    const focused = this.tbody.contains(document.activeElement) ? document.activeElement : null;
    clear(this.tbody);
    this.tbody.append(frag);
    if (focused) this.refocus(focused);
    this.table.setAttribute("aria-rowcount", String(this.total + 1));
    const showEmpty = this.loaded && this.total === 0;
    this.empty.hidden = !showEmpty;
    if (showEmpty) this.empty.textContent = this.query.trim() ? T.noMatch(this.query.trim()) : T.empty;
  }

  /**
   * Focuses what stands now for `lost`, a control of a row drawn before (the same action of the
   * same account's row), else the table itself, whose keys still choose and open rows.
   */
  refocus(lost) {
    const row = lost.closest ? lost.closest("tr[data-id]") : null;
    const now = row ? this.tbody.querySelector(`tr[data-id="${Number(row.dataset.id)}"]`) : null;
    let target = null;
    if (now && lost.dataset.action !== undefined) target = now.querySelector(`[data-action="${Number(lost.dataset.action)}"]`);
    else if (now && lost.classList.contains("state")) target = now.querySelector("button.state");
    (target || this.scroller).focus({ preventScroll: true });
  }

  spacer(px) {
    const tr = el("tr", { class: "spacer", "aria-hidden": "true" });
    tr.append(el("td", { colspan: String(this.columns.length), style: { height: `${px}px` } }));
    return tr;
  }

  /** New row buttons and switch handler (the role changed on a site): rows drawn anew. */
  setActions(actions, onToggleState) {
    this.actions = actions;
    this.onToggleState = onToggleState;
    this.rowTemplate = this.template(false);
    this.render();
  }

  /** An empty row with every cell, button and badge in place; rows are clones of it. */
  template(loading) {
    const tr = el("tr", loading ? { class: "loading" } : {});
    for (const c of this.columns) {
      const cls = [c.sticky ? "sticky" : "", c.num ? "num" : "", c.mono ? "mono" : ""].join(" ").trim();
      // Names in any script: an Arabic name reads right to left in its cell.
      const dir = c.key === "nom" ? "auto" : null;
      if (loading) {
        tr.append(el("td", { class: c.sticky ? "sticky" : "" }));
      } else if (c.actions) {
        const box = el("div", { class: "row-actions" });
        this.actions.forEach((act, i) => {
          if (act.danger) box.append(el("span", { class: "sep", "aria-hidden": "true" }));
          // Listeners are not cloned: the one on the table body serves the copies.
          const b = iconButton(act.name, act.label, () => {}, { danger: act.danger });
          b.dataset.action = String(i);
          box.append(b);
        });
        tr.append(el("td", { class: "col-actions sticky-2" }, box));
      } else if (c.key === "etat") {
        tr.append(el("td", { class: cls },
          el("button", { type: "button", role: "switch", class: "state" },
            el("span", { class: "knob", "aria-hidden": "true" }), document.createTextNode("")),
          el("span", { class: "badge" })));
      } else {
        tr.append(el("td", { class: cls, dir }));
      }
    }
    return tr;
  }

  renderRow(index, a) {
    const tr = (a ? this.rowTemplate : this.loadingTemplate).cloneNode(true);
    tr.setAttribute("aria-rowindex", String(index + 2));
    if (!a) return tr;
    tr.dataset.id = String(a.id);
    if (a.id === this.selectedId) markSelected(tr, true);
    const cells = tr.children;
    this.columns.forEach((c, i) => this.fill(cells[i], c, a));
    return tr;
  }

  fill(td, c, a) {
    switch (c.key) {
      case "nom":
        td.title = a.nom;
        td.textContent = a.nom;
        return;
      case "actions":
        return;
      case "matricule":
        td.textContent = a.matricule;
        return;
      case "identifiant":
        td.textContent = a.identifiant;
        return;
      case "etat": {
        const sw = td.firstChild;
        sw.setAttribute("aria-checked", a.etat_compte ? "true" : "false");
        sw.className = a.etat_compte ? "state on" : "state off";
        // A role that may not change it reads the state, with nothing to press.
        sw.disabled = !this.onToggleState;
        sw.title = !this.onToggleState ? "Votre rôle ne permet pas de changer l'état du compte" : a.etat_compte ? "Désactiver le compte" : "Activer le compte";
        sw.lastChild.data = a.etat_compte ? T.active : T.disabled;
        const badge = td.lastChild;
        badge.className = `badge badge-${a.etat_general}`;
        badge.textContent = a.etat_general_libelle;
        return;
      }
      case "solde":
        if (a.solde <= 0) td.classList.add("negative");
        td.textContent = money(a.solde);
        return;
      case "creation":
        td.textContent = dateTime(a.cree_le);
        return;
      case "modification":
        td.textContent = dateTime(a.modifie_le);
        return;
      default:
        if (c.phone !== undefined) td.textContent = a.telephones[c.phone] || "";
    }
  }

  /** The loaded account of the row holding `node`, if any. */
  accountOf(node) {
    const tr = node.closest && node.closest("tr[data-id]");
    if (!tr || !this.tbody.contains(tr)) return null;
    const a = this.rowAt(Number(tr.getAttribute("aria-rowindex")) - 2);
    return a && String(a.id) === tr.dataset.id ? a : null;
  }

  onClick(e) {
    const a = this.accountOf(e.target);
    if (!a) return;
    this.select(a.id, Number(e.target.closest("tr").getAttribute("aria-rowindex")) - 2);
    const button = e.target.closest("button");
    if (!button) return;
    e.stopPropagation();
    // A double click on a row's button is one press: its second click (`detail` 2) would
    // turn the switch back, or open the same box again.
    if (e.detail > 1) return;
    if (button.dataset.action !== undefined) this.actions[Number(button.dataset.action)].run(a);
    else if (button.getAttribute("role") === "switch" && this.onToggleState) this.onToggleState(a);
  }

  /**
   * Moves the selection by `delta` rows (the arrow and page keys), scrolling it into view and
   * fetching its page if needed. From no selection, any move selects the first row.
   */
  async move(delta) {
    if (!this.total) return;
    let from = this.selectedIndex;
    if (from < 0 && this.selectedId !== null) {
      for (const [pageNo, rows] of this.pages) {
        const i = rows.findIndex((x) => x.id === this.selectedId);
        if (i >= 0) from = pageNo * PAGE + i;
      }
    }
    const index = from < 0 ? 0 : Math.max(0, Math.min(this.total - 1, from + delta));
    const gen = this.generation;
    const pageNo = Math.floor(index / PAGE);
    if (!this.pages.has(pageNo)) {
      this.pending.delete(pageNo);
      await this.fetchPage(pageNo);
    }
    const a = this.rowAt(index);
    if (!a || gen !== this.generation) return;
    this.reveal(index);
    this.select(a.id, index);
  }

  /** Page size for Page Up / Page Down. */
  pageRows() {
    return Math.max(1, this.viewportRows() - 1);
  }

  /** Scrolls just enough for row `index` to be fully visible under the sticky header. */
  reveal(index) {
    const g = this.geometry();
    if (g.natural > MAX_SCROLL_PX) {
      if (index < g.first || index >= g.first + g.visible - 1) {
        const maxScroll = Math.max(1, g.content - g.visible * ROW_H);
        const first = Math.max(0, index - Math.floor(g.visible / 2));
        this.scroller.scrollTop = (first / Math.max(1, this.total - g.visible)) * maxScroll;
      }
    } else {
      const head = this.thead.offsetHeight || ROW_H;
      const top = index * ROW_H;
      const view = this.scroller.clientHeight - head;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (top + ROW_H > this.scroller.scrollTop + view) this.scroller.scrollTop = top + ROW_H - view;
    }
    this.render();
  }

  /** The account of the selected row, if it is loaded. */
  selected() {
    for (const page of this.pages.values()) {
      const a = page.find((x) => x.id === this.selectedId);
      if (a) return a;
    }
    return null;
  }

  /**
   * Shows one account as written (after an edit, a movement, its switch), then reads the rows on
   * screen again: the write may have moved it in the order (its balance, its modification date)
   * or out of the search, and the pages are read by offset — a page kept from before would show
   * it twice and skip the row at the page's edge.
   */
  replace(account) {
    for (const page of this.pages.values()) {
      const i = page.findIndex((x) => x.id === account.id);
      if (i >= 0) page[i] = account;
    }
    this.render();
    this.refresh();
  }

  select(id, index = this.selectedIndex) {
    this.selectedId = id;
    this.selectedIndex = index;
    for (const tr of this.tbody.querySelectorAll("tr.selected")) markSelected(tr, false);
    const row = this.tbody.querySelector(`tr[data-id="${CSS.escape(String(id))}"]`);
    if (row) markSelected(row, true);
  }
}

/** The selected row is drawn and said: a screen reader hears it as the arrows move it. */
function markSelected(tr, on) {
  tr.classList.toggle("selected", on);
  if (on) tr.setAttribute("aria-selected", "true");
  else tr.removeAttribute("aria-selected");
}
