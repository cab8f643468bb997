// The only module that talks to Rust. Every call returns a promise; errors arrive as
// {code, message, champs}: the stable code of their kind (forfaits_core::error::Code, e.g.
// "champs_invalides", "refuse", "base_occupee"), a French message, the field errors.
// The page never names a file: a dialog or a drop gives {jeton, fichier}, and the command that
// reads or writes the file takes the token (once); `fichier` is only shown.

const tauri = () => window.__TAURI__;

/** Code of a failure that did not come from a command (Tauri itself refused the call). */
const INATTENDU = "inattendu";

function call(command, args = {}) {
  return tauri().core.invoke(command, args).catch((err) => {
    if (err && typeof err === "object" && "code" in err) throw err;
    throw { code: INATTENDU, message: String(err), champs: [] };
  });
}

export const api = {
  /** On a site: {requise, serveur, port, base, utilisateur, retenir_mot_de_passe, mot_de_passe_retenu}. */
  etatConnexion: () => call("etat_connexion"),
  /** Signs in to the site: {utilisateur, role, adresse, avertissement}. */
  seConnecter: (formulaire) => call("se_connecter", { formulaire }),
  infos: () => call("infos_application"),
  parametres: () => call("lire_parametres"),
  enregistrerParametres: (formulaire) => call("enregistrer_parametres", { formulaire }),
  /** Whether a call-control service answers at `adresse` (the saved address when null). */
  etatService: (adresse = null) => call("etat_service", { adresse }),
  journal: (filtre) => call("lire_journal", { filtre }),
  infosSauvegardes: () => call("infos_sauvegardes"),
  sauvegarder: (jeton) => call("sauvegarder", { jeton }),
  restaurer: (jeton) => call("restaurer", { jeton }),
  dossiers: () => call("dossiers"),
  ouvrirDossier: (quel) => call("ouvrir_dossier", { quel }),

  listerComptes: (requete) => call("lister_comptes", { requete }),
  compte: (id) => call("obtenir_compte", { id }),
  validerCompte: (formulaire, id) => call("valider_compte", { formulaire, id }),
  creerCompte: (formulaire) => call("creer_compte", { formulaire }),
  modifierCompte: (id, formulaire) => call("modifier_compte", { id, formulaire }),
  changerEtat: (id, active) => call("changer_etat_compte", { id, active }),
  remettreDureeZero: (id) => call("remettre_duree_zero", { id }),
  supprimerCompte: (id) => call("supprimer_compte", { id }),

  mouvements: (id, limite, decalage) => call("lister_mouvements", { id, limite, decalage }),
  apercuMouvement: (id, type, montant) => call("apercu_mouvement", { id, type, montant }),
  saisirMouvement: (id, type, montant, motif, confirme = false) => call("saisir_mouvement", { id, type, montant, motif, confirme }),

  /** A file to read, as {jeton, fichier}; null when cancelled. */
  choisirFichier: (titre, typeFichier = "csv") => call("choisir_fichier", { titre, typeFichier }),
  /** A file to write, as {jeton, fichier}; null when cancelled. */
  choisirDestination: (titre, nom, typeFichier = "csv") =>
    call("choisir_destination", { titre, nom, typeFichier }),

  /** The preview; its `jeton` imports the same file. */
  analyserImport: (jeton, miseAJour) => call("analyser_import", { jeton, miseAJour }),
  importerUtilisateurs: (jeton, miseAJour) => call("importer_utilisateurs", { jeton, miseAJour }),
  enregistrerRapport: (jeton) => call("enregistrer_rapport_erreurs", { jeton }),
  exporterUtilisateurs: (jeton, format, separateur) =>
    call("exporter_utilisateurs", { jeton, format, separateur }),

  historique: (id, periode, limite, decalage) => call("historique_appels", { id, periode, limite, decalage }),
  demandesAppel: (id, periode, limite, decalage) => call("demandes_appel", { id, periode, limite, decalage }),
  exporterHistorique: (id, periode, jeton) => call("exporter_historique", { id, periode, jeton }),
  /** The preview; its `jeton` loads the same file. */
  analyserAppels: (jeton, colonne) => call("analyser_appels", { jeton, colonne }),
  chargerAppels: (jeton, colonne) => call("charger_appels", { jeton, colonne }),
  tarifs: () => call("lister_tarifs"),
  /** What the file would change; its `jeton` imports the same file. */
  analyserTarifs: (jeton) => call("analyser_tarifs", { jeton }),
  importerTarifs: (jeton) => call("importer_tarifs", { jeton }),
  /** The account sheet's text (SheetContent), laid out by sheet.js for printing. */
  ficheCompte: (id) => call("fiche_compte", { id }),
  /** The system's print dialog on the window (which prints only the sheet laid out for it). */
  imprimerFenetre: () => call("imprimer_fenetre"),
  /** Enregistrer en PDF: {chemin, ouverte} (opened in the PDF viewer when one answers). */
  enregistrerFichePdf: (id) => call("enregistrer_fiche_pdf", { id }),

  /** The schedule as typed: {canonique, toujours, jours: [{jour, nom, plages, texte}]}. */
  apercuHoraires: (texte) => call("apercu_horaires", { texte }),
  enregistrerRegles: (formulaire) => call("enregistrer_regles", { formulaire }),
  numeros: () => call("lister_numeros"),
  /** Without `force`, keys holding the number answer {interdit: null, titulaires, question}. */
  interdireNumero: (numero, raison, force = false) => call("interdire_numero", { numero, raison, force }),
  retirerInterdiction: (motif) => call("retirer_interdiction", { motif }),
  privilegierNumero: (numero, libelle, gratuit) => call("privilegier_numero", { numero, libelle, gratuit }),
  retirerPrivilege: (numero) => call("retirer_privilege", { numero }),
  reglesCompte: (id, formulaire) => call("regles_compte", { id, formulaire }),
  suspendreCompte: (id, jusquau, motif) => call("suspendre_compte", { id, jusquau, motif }),
  leverSuspension: (id) => call("lever_suspension", { id }),

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
