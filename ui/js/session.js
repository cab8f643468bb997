// Who works in the window and what the page offers them. Rust decides (commands/session.rs):
// on the desk's SQLite file everything, on a site what the signed-in role may do among what a
// site does. The page hides the rest; the server refuses it anyway.

let current = { site: null, droits: null };

/** From `infos_application`: {site, droits}. */
export function setSession(infos) {
  current = { site: infos.site || null, droits: infos.droits || null };
  document.body.classList.toggle("on-site", Boolean(current.site));
}

/** Whether the page offers `what` (a key of Rights: creer, modifier, supprimer, importer…).
 * Rights not read (`infos_application` failed) offer nothing: on a site the page cannot tell
 * what the role may do, and offering everything only leads to refusals. */
export function can(what) {
  return Boolean(current.droits && current.droits[what]);
}

/** The movement kinds *Gestion de solde* offers. */
export function movementKinds() {
  return current.droits ? current.droits.mouvements : [];
}

/** The signed-in site user {utilisateur, role, adresse}, or null on the SQLite file. */
export function site() {
  return current.site;
}
