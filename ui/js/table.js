// The accounts table: sticky header and name column, rows fetched from Rust page by page and
// rendered only where they are visible (a million accounts scroll like a hundred).

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { money, dateTime } from "./format.js";
import { COLUMNS, T } from "./strings.js";

const ROW_H = 32;
const PAGE = 200;
const OVERSCAN = 10;
const MAX_PAGES_KEPT = 24;
// Browsers cap the height of an element (about 33 million px in WebKit): beyond this the
// scrollbar is scaled instead of being one pixel per pixel.
const MAX_SCROLL_PX = 8_000_000;

export class AccountTable {
  constructor(host, { onStatus, onError, renderActions, onToggleState, onOpen, columns = COLUMNS } = {}) {
    this.host = host;
    this.columns = columns;
    this.onStatus = onStatus || (() => {});
    this.onError = onError || (() => {});
    this.renderActions = renderActions;
    this.onToggleState = onToggleState;
    this.onOpen = onOpen;
    this.query = "";
    this.sort = { key: "nom", desc: false };
    this.total = 0;
    this.pages = new Map();
    this.pending = new Set();
    this.generation = 0;
    this.selectedId = null;
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
    this.reload();
  }

  setQuery(text) {
    if (text === this.query) return;
    this.query = text;
    this.reload({ keepScroll: false });
  }

  /** Drops every cached page and reads again (after a change, a search, a sort). */
  reload({ keepScroll = true } = {}) {
    this.generation += 1;
    this.pages.clear();
    this.pending.clear();
    if (!keepScroll) this.scroller.scrollTop = 0;
    for (const th of this.headRow.children) {
      const key = th.dataset.key;
      if (!key) continue;
      const active = key === this.sort.key;
      th.setAttribute("aria-sort", active ? (this.sort.desc ? "descending" : "ascending") : "none");
      const arrow = th.querySelector(".arrow");
      if (arrow) arrow.textContent = active ? (this.sort.desc ? "▼" : "▲") : "";
    }
    return this.fetchPage(Math.floor(this.firstVisible() / PAGE), true);
  }

  apiSortKey() {
    const k = this.sort.key;
    return k === "etat" ? "etat" : k;
  }

  fetchPage(pageNo, resetTotal = false) {
    if (this.pending.has(pageNo) || this.pages.has(pageNo)) return Promise.resolve();
    this.pending.add(pageNo);
    const gen = this.generation;
    const requete = {
      recherche: this.query,
      tri: this.apiSortKey(),
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
        this.loaded = true;
        if (totalChanged || resetTotal) this.onStatus({ total: this.total, query: this.query });
        this.render();
      },
      (err) => {
        if (gen !== this.generation) return;
        this.pending.delete(pageNo);
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
    for (let p = Math.floor(start / PAGE); p <= Math.floor(Math.max(start, end - 1) / PAGE); p++) {
      if (p * PAGE < this.total) this.fetchPage(p);
    }
    const scaled = g.natural > MAX_SCROLL_PX;
    const topPx = Math.max(0, scaled ? g.top - (g.first - start) * ROW_H : start * ROW_H);
    const bottomPx = Math.max(0, g.content - topPx - (end - start) * ROW_H);
    const frag = document.createDocumentFragment();
    frag.append(this.spacer(topPx));
    for (let i = start; i < end; i++) frag.append(this.renderRow(i, this.rowAt(i)));
    frag.append(this.spacer(bottomPx));
    clear(this.tbody);
    this.tbody.append(frag);
    this.table.setAttribute("aria-rowcount", String(this.total + 1));
    const showEmpty = this.loaded && this.total === 0;
    this.empty.hidden = !showEmpty;
    if (showEmpty) this.empty.textContent = this.query.trim() ? T.noMatch(this.query.trim()) : T.empty;
  }

  spacer(px) {
    const tr = el("tr", { class: "spacer", "aria-hidden": "true" });
    tr.append(el("td", { colspan: String(this.columns.length), style: { height: `${px}px` } }));
    return tr;
  }

  renderRow(index, a) {
    const tr = el("tr", { "aria-rowindex": String(index + 2) });
    if (!a) {
      tr.className = "loading";
      for (const c of this.columns) tr.append(el("td", { class: c.sticky ? "sticky" : "" }));
      return tr;
    }
    tr.dataset.id = String(a.id);
    if (a.id === this.selectedId) tr.classList.add("selected");
    tr.addEventListener("click", () => this.select(a.id));
    if (this.onOpen) tr.addEventListener("dblclick", () => this.onOpen(a));
    for (const c of this.columns) tr.append(this.cell(c, a));
    return tr;
  }

  /** The account of the selected row, if it is loaded. */
  selected() {
    for (const page of this.pages.values()) {
      const a = page.find((x) => x.id === this.selectedId);
      if (a) return a;
    }
    return null;
  }

  /** Replaces one account in the loaded pages (after an edit) without reloading. */
  replace(account) {
    for (const page of this.pages.values()) {
      const i = page.findIndex((x) => x.id === account.id);
      if (i >= 0) page[i] = account;
    }
    this.render();
  }

  select(id) {
    this.selectedId = id;
    for (const tr of this.tbody.querySelectorAll("tr.selected")) tr.classList.remove("selected");
    const row = this.tbody.querySelector(`tr[data-id="${CSS.escape(String(id))}"]`);
    if (row) row.classList.add("selected");
  }

  cell(c, a) {
    const cls = [c.sticky ? "sticky" : "", c.num ? "num" : "", c.mono ? "mono" : ""].join(" ").trim();
    switch (c.key) {
      case "nom":
        return el("td", { class: cls, title: a.nom, text: a.nom });
      case "actions":
        return el("td", { class: "col-actions sticky-2" }, this.renderActions ? this.renderActions(a) : null);
      case "matricule":
        return el("td", { class: cls, text: a.matricule });
      case "identifiant":
        return el("td", { class: cls, text: a.identifiant });
      case "etat":
        return el("td", { class: cls },
          el("button", {
            type: "button",
            role: "switch",
            "aria-checked": a.etat_compte ? "true" : "false",
            class: a.etat_compte ? "state on" : "state off",
            title: a.etat_compte ? "Désactiver le compte" : "Activer le compte",
            onclick: (e) => {
              e.stopPropagation();
              if (this.onToggleState) this.onToggleState(a);
            },
          }, el("span", { class: "knob", "aria-hidden": "true" }), a.etat_compte ? T.active : T.disabled),
          el("span", { class: `badge badge-${a.etat_general}`, text: a.etat_general_libelle }));
      case "solde":
        return el("td", { class: `${cls} ${a.solde <= 0 ? "negative" : ""}`.trim(), text: money(a.solde) });
      case "creation":
        return el("td", { class: cls, text: dateTime(a.cree_le) });
      case "modification":
        return el("td", { class: cls, text: dateTime(a.modifie_le) });
      default:
        if (c.phone !== undefined) return el("td", { class: cls, text: a.telephones[c.phone] || "" });
        return el("td", { class: cls });
    }
  }
}
