// Labels of the window, from the product page.

export const COLUMNS = [
  { key: "nom", label: "Nom utilisateur", width: 220, sticky: true },
  { key: "actions", label: "Actions", width: 178, actions: true },
  { key: "matricule", label: "Matricule", width: 150, mono: true },
  { key: "identifiant", label: "Identifiant", width: 110, mono: true },
  { key: "etat", label: "Etat du compte", width: 340 },
  { key: "solde", label: "Solde", width: 140, num: true },
  ...Array.from({ length: 10 }, (_, i) => ({
    key: `touche${i + 1}`,
    label: `N° téléphone touche ${i + 1}`,
    short: `Touche ${i + 1}`,
    width: 140,
    mono: true,
    phone: i,
  })),
  // Wide enough for "26/11/2026 09:05" and for the whole header with its sort arrow.
  { key: "creation", label: "Date de création", width: 165, num: true },
  { key: "modification", label: "Date de modification", width: 190, num: true },
];

export const T = {
  users: ["utilisateur", "utilisateurs"],
  empty: "Aucun utilisateur. Ajoutez-en un ou importez un fichier CSV.",
  noMatch: (q) => `Aucun utilisateur ne correspond à « ${q} ».`,
  shownFor: (n, q) => `${n} pour « ${q} »`,
  active: "Activé",
  disabled: "Désactivé",
  loadError: "Impossible de lire les comptes : ",
};
