// Writes made from the table (its switch, its Supprimer) reach the box open on the same account:
// the box shows the new state, and closes, saying why, once its account is deleted.

import { close, toast } from "./ui.js";
import { de } from "./fr.js";

const STATE = "etat-compte";
const DELETED = "compte-supprime";

/** Tells the open boxes that `account` has a new state (the account as Rust answered it). */
export function stateChanged(account) {
  document.dispatchEvent(new CustomEvent(STATE, { detail: account }));
}

/** Tells the open boxes that `account` was deleted. */
export function accountDeleted(account) {
  document.dispatchEvent(new CustomEvent(DELETED, { detail: account }));
}

/** Runs `fn(account)` for each `type` event about the account `id` while `node` is shown; the
 * listener goes once `node`, shown before, is gone. */
function listen(node, id, type, fn) {
  let shown = false;
  const heard = (e) => {
    if (!node.isConnected) {
      if (shown) document.removeEventListener(type, heard);
      return;
    }
    shown = true;
    if (e.detail.id === id) fn(e.detail);
  };
  document.addEventListener(type, heard);
}

/**
 * While `node` (a panel's body) is shown for the account `id`: `onState(account)` when its
 * state changes elsewhere; when it is deleted, the panel closes (what is typed there has no
 * account left to go to) and a toast says why.
 */
export function follow(node, id, onState = () => {}) {
  listen(node, id, STATE, onState);
  listen(node, id, DELETED, (a) => {
    close(true);
    toast(`Panneau fermé : le compte ${de(a.nom)} a été supprimé.`, "warn");
  });
}
