// French agreement and elision for the page: "1 tarif" / "2 tarifs", "Aucun utilisateur
// trouvé", "le compte d'Hélène". The twin of the core's `fr.rs` (messages built in Rust),
// with the same rules: a count below two is singular, "de" elides before a vowel or an h.

import { count } from "./format.js";

/** The word agreed with `n`: singular below two ("0 tarif", "1 tarif", "2 tarifs"). */
export function pluriel(n, singulier, pluriel_) {
  return Number(n) < 2 ? singulier : pluriel_;
}

/** "1 tarif", "1 234 tarifs" (thousands grouped for reading). */
export function nombre(n, singulier, pluriel_) {
  return `${count(n)} ${pluriel(n, singulier, pluriel_)}`;
}

/** Like `nombre`, but zero reads "Aucun utilisateur trouvé" (or "Aucune" with `feminin`). */
export function nombreOuAucun(n, singulier, pluriel_, { feminin = false } = {}) {
  if (Number(n) === 0) return `${feminin ? "Aucune" : "Aucun"} ${singulier}`;
  return nombre(n, singulier, pluriel_);
}

/** Agrees a regular participle given in the masculine singular ("refusé" → "refusée"). */
export function accord(masculin, { feminin = false, n = 1 } = {}) {
  let s = masculin + (feminin ? "e" : "");
  if (Number(n) >= 2 && !/[sx]$/.test(s)) s += "s";
  return s;
}

/** Whether "de" elides before this word: a vowel or an h, accents ignored ("d'Hélène"). */
export function elideDevant(mot) {
  const first = String(mot).trimStart().charAt(0);
  const base = first.normalize("NFD").charAt(0).toLowerCase();
  return base !== "" && "aeiouhœæ".includes(base);
}

/** "de Sami Mansouri" / "d'Amira Trabelsi". */
export function de(mot) {
  const m = String(mot).trimStart();
  return elideDevant(m) ? `d'${m}` : `de ${m}`;
}
