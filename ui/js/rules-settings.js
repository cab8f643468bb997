// Paramètres → Règles d'appel: the site's calling hours as text (SPEC §12) with the week they
// allow drawn as it is typed (the core reads the text and says what is wrong), the longest
// call and the calls allowed a day. Saved on their own, nothing saved on error.

import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { button, field, onSubmit, showFieldErrors, toast, trackChanges } from "./ui.js";

const DAY_MINUTES = 24 * 60;
const HINT =
  "Jours lun mar mer jeu ven sam dim (lun-ven pour une suite), plages HH:MM-HH:MM séparées par « , », " +
  "jours séparés par « ; ». « toujours » : aucune restriction. Heure de la machine.";

/** Only digits can be typed in a number field. */
function digitsOnly(input) {
  input.addEventListener("input", () => {
    const digits = input.value.replace(/\D/g, "");
    if (digits !== input.value) input.value = digits;
  });
}

/** The 7 days, each with its allowed ranges on a 24 h bar and in words. */
function weekView() {
  const scale = el("div", { class: "week-scale", "aria-hidden": "true" },
    el("span"),
    el("div", { class: "week-ticks" }, [0, 6, 12, 18, 24].map((h) =>
      el("span", { style: { left: `${(h / 24) * 100}%` } }, `${h} h`))),
    el("span"));
  const body = el("div", { role: "rowgroup" });
  const box = el("div", { class: "week", id: "semaine-horaires", role: "table", "aria-label": "Heures d'appel de la semaine" }, scale, body);
  return {
    box,
    show(week) {
      clear(body);
      for (const d of week.jours) {
        const bar = el("div", { class: "week-bar", "aria-hidden": "true" },
          d.plages.map(([s, e]) => el("span", {
            class: "week-range",
            title: `${d.nom} ${d.texte}`,
            style: { left: `${(s / DAY_MINUTES) * 100}%`, width: `${((e - s) / DAY_MINUTES) * 100}%` },
          })));
        body.append(el("div", { class: `week-row${d.plages.length ? "" : " closed"}`, role: "row", "data-jour": d.jour },
          el("span", { class: "week-day", role: "rowheader", title: d.nom }, d.jour),
          el("span", { role: "cell", class: "week-cell" }, bar),
          el("span", { class: "week-text", role: "cell" }, d.texte)));
      }
      box.classList.remove("stale");
    },
    /** The text does not read: the week drawn is the last one that did. */
    stale() {
      box.classList.add("stale");
    },
  };
}

/** The section, filled with the saved settings `s`. */
export function rulesSection(s) {
  const fHours = field("Horaires d'appel", { key: "horaires", value: s.horaires, hint: HINT });
  fHours.input.classList.add("wide-input");
  const fMax = field("Durée maximale d'un appel (minutes)", {
    key: "duree_max_appel",
    value: String(s.duree_max_appel),
    inputmode: "numeric",
    maxlength: 4,
    hint: `De 1 à ${s.duree_max_appel_plafond} ; aucun appel n'est autorisé plus longtemps, quel que soit le solde. Un compte peut avoir la sienne.`,
  });
  const fPerDay = field("Appels par jour", {
    key: "appels_par_jour",
    value: s.appels_par_jour ?? "",
    inputmode: "numeric",
    maxlength: 4,
    hint: "Vide : sans limite. Compte les appels autorisés depuis minuit ; un compte peut avoir les siens.",
  });
  fPerDay.input.placeholder = "Sans limite";
  digitsOnly(fMax.input);
  digitsOnly(fPerDay.input);
  const fields = [fHours, fMax, fPerDay];

  const week = weekView();
  const canon = el("p", { class: "muted small week-canon", id: "horaires-canonique" });
  let asked = 0;
  let timer = 0;
  const preview = async () => {
    const n = ++asked;
    try {
      const w = await api.apercuHoraires(fHours.input.value);
      if (n !== asked) return;
      fHours.setError("");
      week.show(w);
      canon.textContent = w.toujours ? "Lu comme : toujours (les appels sont permis à toute heure)." : `Lu comme : ${w.canonique}`;
    } catch (err) {
      if (n !== asked) return;
      const c = (err.champs || []).find((x) => x.champ === "horaires");
      fHours.setError(c ? c.message : err.message);
      week.stale();
      canon.textContent = "Le texte ne se lit pas : la semaine montrée est la dernière qui se lisait.";
    }
  };
  fHours.input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(preview, 120);
  });

  const message = el("div", { class: "form-error", role: "alert" });
  const form = el("form", { class: "settings-form", novalidate: true },
    fHours.wrap,
    week.box,
    canon,
    el("div", { class: "row2" }, fMax.wrap, fPerDay.wrap),
    message,
    el("div", { class: "form-actions" }, button("Enregistrer les règles d'appel", { primary: true, type: "submit", id: "btn-enregistrer-regles" })));
  const save = async () => {
    clearTimeout(timer);
    const saved = await api.enregistrerRegles({
      horaires: fHours.input.value,
      duree_max_appel: fMax.input.value,
      appels_par_jour: fPerDay.input.value,
    });
    for (const f of fields) f.setError("");
    fHours.input.value = saved.horaires;
    fMax.input.value = String(saved.duree_max_appel);
    fPerDay.input.value = saved.appels_par_jour ?? "";
    preview();
    toast("Règles d'appel enregistrées");
    changes.saved();
  };
  onSubmit(form, { message }, save, (err) => {
    const shown = showFieldErrors(fields, err);
    if (fHours.input.getAttribute("aria-invalid") === "true") week.stale();
    return shown;
  });
  preview();
  const changes = trackChanges(form);
  const section = el("section", { class: "about-lines", id: "regles-appel", "aria-labelledby": "titre-regles-appel" },
    el("h3", { id: "titre-regles-appel" }, "Règles d'appel"),
    el("p", { class: "muted small" }, "Appliquées par le contrôle d'appel à chaque appel. Les numéros interdits et privilégiés se règlent dans l'onglet Numéros."),
    form);
  /** Typed and not saved (Paramètres asks before another tab is shown). */
  section.isDirty = changes.dirty;
  return section;
}
