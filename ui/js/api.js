// The only module that talks to Rust. Every call returns a promise; errors arrive as
// {code, message, champs}: the stable code of their kind (forfaits_core::error::Code, e.g.
// "champs_invalides", "refuse", "base_occupee"), a French message, the field errors.
// The page never names a file: a dialog or a drop gives {jeton, fichier}, and the command that
// reads or writes the file takes the token (once); `fichier` is only shown.

const tauri = () => window.__TAURI__;

/** Code of a failure that did not come from a command (Tauri itself refused the call). */
const INATTENDU = "inattendu";

/** Told of every refusal (`refuse`): on a site the role may have changed since sign-in. */
let onRefused = () => {};
export function whenRefused(f) {
  onRefused = f;
}

function send(command, args) {
  return tauri().core.invoke(command, args).catch((err) => {
    if (err && typeof err === "object" && "code" in err) {
      if (err.code === "refuse") onRefused(command);
      throw err;
    }
    // Tauri refused the call before the command ran, in English words naming Rust types: the
    // clerk reads what happened, the console keeps Tauri's words.
    console.error(command, err);
    throw { code: INATTENDU, message: `La fenêtre n'a pas pu transmettre la demande (${command}) : rien n'a été modifié.`, champs: [] };
  });
}

/**
 * The page's function for the command `command`: its arguments, in order, go under the names of
 * `params` (space-separated: the command's parameters, in camelCase as Tauri takes them). An
 * argument left out takes its value in `defaults`, or is not sent (the command's `Option` is none).
 */
function call(command, params = "", defaults = {}) {
  const names = params.split(" ").filter(Boolean);
  return (...values) => {
    const args = { ...defaults };
    names.forEach((name, i) => {
      if (values[i] !== undefined) args[name] = values[i];
    });
    return send(command, args);
  };
}

export const api = {
  /** On a site: {requise, serveur, port, base, utilisateur, retenir_mot_de_passe, mot_de_passe_retenu}. */
  etatConnexion: call("etat_connexion"),
  /** Signs in to the site: {utilisateur, role, adresse, avertissement}. */
  seConnecter: call("se_connecter", "formulaire"),
  infos: call("infos_application"),
  parametres: call("lire_parametres"),
  enregistrerParametres: call("enregistrer_parametres", "formulaire"),
  /** Whether a call-control service answers at `adresse` (the saved address when null). */
  etatService: call("etat_service", "adresse", { adresse: null }),
  journal: call("lire_journal", "filtre"),
  infosSauvegardes: call("infos_sauvegardes"),
  sauvegarder: call("sauvegarder", "jeton"),
  restaurer: call("restaurer", "jeton"),
  dossiers: call("dossiers"),
  ouvrirDossier: call("ouvrir_dossier", "quel"),

  listerComptes: call("lister_comptes", "requete"),
  compte: call("obtenir_compte", "id"),
  validerCompte: call("valider_compte", "formulaire id"),
  creerCompte: call("creer_compte", "formulaire"),
  modifierCompte: call("modifier_compte", "id formulaire"),
  changerEtat: call("changer_etat_compte", "id active"),
  remettreDureeZero: call("remettre_duree_zero", "id"),
  supprimerCompte: call("supprimer_compte", "id"),

  mouvements: call("lister_mouvements", "id limite apres"),
  apercuMouvement: call("apercu_mouvement", "id type montant"),
  saisirMouvement: call("saisir_mouvement", "id type montant motif confirme", { confirme: false }),

  /** A file to read, as {jeton, fichier}; null when cancelled. */
  choisirFichier: call("choisir_fichier", "titre typeFichier", { typeFichier: "csv" }),
  /** A file to write, as {jeton, fichier}; null when cancelled. */
  choisirDestination: call("choisir_destination", "titre nom typeFichier", { typeFichier: "csv" }),

  /** The preview; its `jeton` imports the same file. */
  analyserImport: call("analyser_import", "jeton miseAJour"),
  importerUtilisateurs: call("importer_utilisateurs", "jeton miseAJour"),
  enregistrerRapport: call("enregistrer_rapport_erreurs", "jeton"),
  exporterUtilisateurs: call("exporter_utilisateurs", "jeton format separateur"),

  historique: call("historique_appels", "id periode limite apres"),
  demandesAppel: call("demandes_appel", "id periode limite apres"),
  exporterHistorique: call("exporter_historique", "id periode jeton"),
  /** The preview; its `jeton` loads the same file. */
  analyserAppels: call("analyser_appels", "jeton colonne"),
  chargerAppels: call("charger_appels", "jeton colonne"),
  tarifs: call("lister_tarifs"),
  /** What the file would change; its `jeton` imports the same file. */
  analyserTarifs: call("analyser_tarifs", "jeton"),
  importerTarifs: call("importer_tarifs", "jeton"),
  /** The account sheet's text (SheetContent), laid out by sheet.js for printing. */
  ficheCompte: call("fiche_compte", "id"),
  /** The system's print dialog on the window (which prints only the sheet laid out for it). */
  imprimerFenetre: call("imprimer_fenetre"),
  /** Enregistrer en PDF: {chemin, ouverte} (opened in the PDF viewer when one answers). */
  enregistrerFichePdf: call("enregistrer_fiche_pdf", "id"),

  /** The schedule as typed: {canonique, toujours, jours: [{jour, nom, plages, texte}]}. */
  apercuHoraires: call("apercu_horaires", "texte"),
  enregistrerRegles: call("enregistrer_regles", "formulaire"),
  numeros: call("lister_numeros"),
  /** Without `force`, keys holding the number answer {interdit: null, titulaires, question}. */
  interdireNumero: call("interdire_numero", "numero raison force", { force: false }),
  retirerInterdiction: call("retirer_interdiction", "motif"),
  privilegierNumero: call("privilegier_numero", "numero libelle gratuit"),
  retirerPrivilege: call("retirer_privilege", "numero"),
  reglesCompte: call("regles_compte", "id formulaire"),
  suspendreCompte: call("suspendre_compte", "id jusquau motif"),
  leverSuspension: call("lever_suspension", "id"),

  /** *Annuler* on long work (`import`, `export`, `appels`): it stops and keeps nothing; false
   * when it had already ended. */
  annulerTravail: call("annuler_travail", "tache"),
  /** Calls `handler(payload)` on each progress event of long work. */
  onProgress: (handler) => tauri().event.listen("progression", (e) => handler(e.payload)),
  /** Calls `handler({jeton, fichier})` when a file is dropped on the window. */
  onFileDrop: (handler) => tauri().event.listen("fichier-depose", (e) => handler(e.payload)),
  /** Calls `onHover(true/false)` as files are dragged over the window and leave or drop. */
  onFileHover: (onHover) =>
    tauri().webview.getCurrentWebview().onDragDropEvent((e) => {
      const t = e.payload.type;
      onHover(t === "enter" || t === "over");
    }),
};
