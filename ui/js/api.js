// The only module that talks to Rust. Every call returns a promise; errors arrive as
// {message, champs} with a French message.

const tauri = () => window.__TAURI__;

function call(command, args = {}) {
  return tauri().core.invoke(command, args).catch((err) => {
    if (err && typeof err === "object" && "message" in err) throw err;
    throw { message: String(err), champs: [] };
  });
}

export const api = {
  infos: () => call("infos_application"),
  parametres: () => call("lire_parametres"),
  enregistrerParametres: (formulaire) => call("enregistrer_parametres", { formulaire }),
  /** Whether a call-control service answers at `adresse` (the saved address when null). */
  etatService: (adresse = null) => call("etat_service", { adresse }),
  journal: (filtre) => call("lire_journal", { filtre }),
  infosSauvegardes: () => call("infos_sauvegardes"),
  sauvegarder: (chemin) => call("sauvegarder", { chemin }),
  restaurer: (chemin) => call("restaurer", { chemin }),
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

  choisirFichier: (titre, typeFichier = "csv") => call("choisir_fichier", { titre, typeFichier }),
  choisirDestination: (titre, nom, typeFichier = "csv") =>
    call("choisir_destination", { titre, nom, typeFichier }),

  analyserImport: (chemin, miseAJour) => call("analyser_import", { chemin, miseAJour }),
  importerUtilisateurs: (chemin, miseAJour) => call("importer_utilisateurs", { chemin, miseAJour }),
  enregistrerRapport: (chemin) => call("enregistrer_rapport_erreurs", { chemin }),
  exporterUtilisateurs: (chemin, format, separateur) =>
    call("exporter_utilisateurs", { chemin, format, separateur }),

  historique: (id, periode, limite, decalage) => call("historique_appels", { id, periode, limite, decalage }),
  demandesAppel: (id, periode, limite, decalage) => call("demandes_appel", { id, periode, limite, decalage }),
  exporterHistorique: (id, periode, chemin) => call("exporter_historique", { id, periode, chemin }),
  analyserAppels: (chemin, colonne) => call("analyser_appels", { chemin, colonne }),
  chargerAppels: (chemin, colonne) => call("charger_appels", { chemin, colonne }),
  tarifs: () => call("lister_tarifs"),
  analyserTarifs: (chemin) => call("analyser_tarifs", { chemin }),
  importerTarifs: (chemin) => call("importer_tarifs", { chemin }),
  imprimerFiche: (id) => call("imprimer_fiche", { id }),

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
  /** Calls `handler(paths)` when files are dropped on the window. */
  onFileDrop: (handler, onHover) =>
    tauri().webview.getCurrentWebview().onDragDropEvent((e) => {
      const t = e.payload.type;
      if (t === "drop") handler(e.payload.paths || []);
      if (onHover) onHover(t === "enter" || t === "over");
    }),
};
