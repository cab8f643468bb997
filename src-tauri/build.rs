// Tauri build script: the app manifest lists every command the page may call, and the
// capability in src-tauri/capabilities grants exactly those (nothing else is reachable from the
// page).

/// Every command registered in `src-tauri/src/lib.rs`. A test checks both lists agree.
const COMMANDS: &[&str] = &[
    "infos_application",
    "lire_parametres",
    "enregistrer_parametres",
    "etat_service",
    "lire_journal",
    "infos_sauvegardes",
    "sauvegarder",
    "restaurer",
    "dossiers",
    "ouvrir_dossier",
    "lister_comptes",
    "obtenir_compte",
    "valider_compte",
    "creer_compte",
    "modifier_compte",
    "changer_etat_compte",
    "remettre_duree_zero",
    "supprimer_compte",
    "lister_mouvements",
    "apercu_mouvement",
    "saisir_mouvement",
    "choisir_fichier",
    "choisir_destination",
    "analyser_import",
    "importer_utilisateurs",
    "enregistrer_rapport_erreurs",
    "exporter_utilisateurs",
    "historique_appels",
    "exporter_historique",
    "demandes_appel",
    "analyser_appels",
    "charger_appels",
    "lister_tarifs",
    "analyser_tarifs",
    "importer_tarifs",
    "imprimer_fiche",
    "apercu_horaires",
    "enregistrer_regles",
    "lister_numeros",
    "interdire_numero",
    "retirer_interdiction",
    "privilegier_numero",
    "retirer_privilege",
    "regles_compte",
    "suspendre_compte",
    "lever_suspension",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build a échoué");
}
