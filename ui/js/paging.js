// "Afficher plus": a table filled page by page (call history, balance movements, journal). One
// helper so that the three lists drop a slower earlier answer and count their rows alike.

import { clear, el } from "./dom.js";
import { button, isFieldsError } from "./ui.js";

/**
 * `fetch(after, n)` answers `{ items, total }`: `n` items below the item whose id is `after`
 * (the last shown; null for the newest), so that a row written meanwhile neither comes twice
 * nor pushes one out of sight, as an offset would; `total` is null when the source does not count
 * (then a full page means there may be more). `row(item)` makes a `<tr>` for `rows`;
 * `foot(r, loaded)` writes the footer, with `r === null` once a load failed: the table then
 * holds one row saying why (unless fields were refused, which the caller shows under them), so
 * that a failure never reads as an empty list.
 * `load(reset)` resolves to the answer, or to null when a later load overtook it, or rejects
 * with the error (already shown: a caller that does not wait for it may ignore it); `refresh()`
 * is `load(true)` keeping as many rows as are shown (and `grown` more: rows just written).
 */
export function pager({ page, fetch, row, rows, foot }) {
  const more = button("Afficher plus", { onclick: () => load(false).catch(() => {}) });
  let loaded = 0;
  let after = null; // the id of the last row shown
  let gen = 0;
  let resetting = false; // a new filter's first page is on its way: no more of the old one
  const load = async (reset, n = page) => {
    if (!reset && resetting) return null;
    const g = ++gen;
    resetting = reset;
    try {
      const r = await fetch(reset ? null : after, n);
      if (g !== gen) return null;
      resetting = false;
      if (reset) {
        loaded = 0;
        after = null;
        clear(rows);
      }
      loaded += r.items.length;
      if (r.items.length) after = r.items[r.items.length - 1].id;
      for (const x of r.items) rows.append(row(x));
      // Rows written since the first page come above it (a refresh shows them), never below: a
      // short page is the end even when the total has grown meanwhile.
      more.hidden = r.items.length < n || (r.total !== null && loaded >= r.total);
      foot(r, loaded);
      return r;
    } catch (err) {
      if (g !== gen) return null;
      resetting = false;
      // A failed load shows nothing rather than the rows of the previous request.
      loaded = 0;
      after = null;
      clear(rows);
      // A refused filter (a period typed wrong) is said under its field by the caller.
      if (!isFieldsError(err)) {
        const head = rows.closest("table")?.querySelector("thead tr");
        const span = String(head ? head.children.length : 1);
        const why = (err && err.message) || "erreur inattendue";
        rows.append(el("tr", { class: "load-error" }, el("td", { colspan: span, role: "alert" }, `Lecture impossible : ${why}`)));
      }
      more.hidden = true;
      foot(null, 0);
      throw err;
    }
  };
  /** The rows shown read again (another desk wrote meanwhile), as many as are shown, in one
   * request: the list does not fall back to its first page on its own. `grown`: rows written
   * since (a movement just recorded), which come above without pushing one out. */
  const refresh = (grown = 0) => load(true, Math.max(page, loaded + grown));
  return { more, load, refresh };
}
