//! Paramètres: what the window may save, validated in the core.

use crate::common::*;
use forfaits_core::domain::{Field, Money};
use forfaits_core::prelude::Basics;
use forfaits_core::store::settings::SettingsForm;
use forfaits_core::Error;

fn form() -> SettingsForm {
    SettingsForm {
        currency: "TND".into(),
        decimals: 3,
        country_code: "+216".into(),
        default_enabled: true,
        default_billing: true,
        default_allowance: String::new(),
        default_opening_balance: String::new(),
        backup_retention_days: Some("14".into()),
        confirmation_threshold: "1 000".into(),
        agi_address: "127.0.0.1:4573".into(),
    }
}

fn refused_fields(
    r: forfaits_core::Result<forfaits_core::store::Settings>,
) -> Vec<(Field, String)> {
    match r {
        Err(Error::Fields(f)) => f.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("refus attendu, reçu {other:?}"),
    }
}

#[test]
fn a_currency_must_be_a_three_letter_iso_code() {
    let (_db, mut s) = temp_store();
    let before = s.settings().unwrap();
    for bad in ["dinar", "TN", "TDN", "€"] {
        let f = SettingsForm {
            currency: bad.into(),
            ..form()
        };
        let errs = refused_fields(s.save_settings_form(&f));
        assert_eq!(errs.len(), 1, "{bad}: {errs:?}");
        assert_eq!(errs[0].0, Field::Currency, "{bad}");
        assert!(errs[0].1.contains("ISO"), "{bad}: {}", errs[0].1);
    }
    assert_eq!(s.settings().unwrap(), before, "nothing saved");
    let saved = s
        .save_settings_form(&SettingsForm {
            currency: "eur".into(),
            decimals: 2,
            ..form()
        })
        .unwrap();
    assert_eq!(saved.currency.code, "EUR");
}

#[test]
fn backup_retention_is_whole_days_from_1_to_3650_as_typed_or_unchanged_when_absent() {
    let (_db, mut s) = temp_store();
    let before = s.settings().unwrap();
    for bad in ["2.5", "-1", "0", "3651", "", "deux", "+7"] {
        let f = SettingsForm {
            backup_retention_days: Some(bad.into()),
            ..form()
        };
        let errs = refused_fields(s.save_settings_form(&f));
        assert_eq!(errs[0].0, Field::BackupRetention, "{bad}");
        assert!(errs[0].1.contains("de 1 à 3650"), "{}", errs[0].1);
    }
    assert_eq!(s.settings().unwrap(), before, "nothing saved");
    let f = |days: Option<&str>| SettingsForm {
        backup_retention_days: days.map(Into::into),
        ..form()
    };
    let saved = s.save_settings_form(&f(Some(" 30 "))).unwrap();
    assert_eq!(saved.backup_retention_days, 30);
    let saved = s.save_settings_form(&f(None)).unwrap();
    assert_eq!(saved.backup_retention_days, 30, "absent: unchanged");
}

#[test]
fn a_country_code_needs_its_plus_and_one_to_three_digits() {
    let (_db, mut s) = temp_store();
    let before = s.settings().unwrap();
    for bad in ["216", "+2160", "+", "00216", "+021"] {
        let f = SettingsForm {
            country_code: bad.into(),
            ..form()
        };
        let errs = refused_fields(s.save_settings_form(&f));
        assert_eq!(errs[0].0, Field::CountryCode, "{bad}");
    }
    let errs = refused_fields(s.save_settings_form(&SettingsForm {
        country_code: "216".into(),
        ..form()
    }));
    assert!(errs[0].1.contains("écrivez +216"), "{}", errs[0].1);
    assert_eq!(s.settings().unwrap(), before, "nothing saved");
    let saved = s
        .save_settings_form(&SettingsForm {
            country_code: "+33".into(),
            ..form()
        })
        .unwrap();
    assert_eq!(saved.country_code.as_str(), "33");
    assert_eq!(s.settings().unwrap().country_code.as_str(), "33");
}

#[test]
fn the_confirmation_threshold_defaults_to_1000_units_and_is_validated() {
    let (_db, mut s) = temp_store();
    assert_eq!(
        s.settings().unwrap().confirmation_threshold,
        Money(1_000_000)
    );
    for bad in ["", "-5", "beaucoup", "1,2345"] {
        let errs = refused_fields(s.save_settings_form(&SettingsForm {
            confirmation_threshold: bad.into(),
            ..form()
        }));
        assert_eq!(errs[0].0, Field::ConfirmationThreshold, "{bad}");
    }
    assert_eq!(
        s.settings().unwrap().confirmation_threshold,
        Money(1_000_000)
    );
    s.save_settings_form(&SettingsForm {
        confirmation_threshold: "250,5".into(),
        ..form()
    })
    .unwrap();
    assert_eq!(s.settings().unwrap().confirmation_threshold, Money(250_500));
    // A database without movements may change its decimals: the default follows them.
    let (_db2, mut s2) = temp_store();
    let mut st = s2.settings().unwrap();
    st.currency = forfaits_core::domain::Currency::new("XOF", 0).unwrap();
    st.confirmation_threshold = Money(1000);
    s2.save_settings(&st).unwrap();
    assert_eq!(s2.settings().unwrap().confirmation_threshold, Money(1000));
}

#[test]
fn the_service_address_is_checked_and_the_call_rules_are_left_to_their_own_form() {
    let (_db, mut s) = temp_store();
    s.save_site_rules(&forfaits_core::rules::SiteRulesChange {
        max_call_minutes: Some(20),
        ..Default::default()
    })
    .unwrap();
    let mut f = form();
    f.agi_address = "asterisk:4573".into();
    let refused = refused_fields(s.save_settings_form(&f));
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, Field::AgiAddress);
    assert_eq!(
        s.settings().unwrap().agi_address,
        "127.0.0.1:4573",
        "unchanged"
    );
    // Every error at once: the address is not dropped behind another field's.
    let both = SettingsForm {
        currency: "dinar".into(),
        ..f.clone()
    };
    let fields: Vec<Field> = refused_fields(s.save_settings_form(&both))
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, [Field::Currency, Field::AgiAddress]);
    f.agi_address = " 0.0.0.0:4600 ".into();
    s.save_settings_form(&f).unwrap();
    let saved = s.settings().unwrap();
    assert_eq!(
        (saved.max_call_minutes, saved.agi_address.as_str()),
        (20, "0.0.0.0:4600"),
        "the per-call maximum is a rule: the settings form keeps it"
    );
}

/// Settings read on one desk, a rule saved on another, then the settings saved: the rule stays.
#[test]
fn settings_read_before_a_rule_was_saved_elsewhere_do_not_undo_it() {
    let (db, mut here) = temp_store();
    let stale = here.settings().unwrap();
    let mut there = forfaits_core::store::Store::open(&db.path).unwrap();
    there
        .save_site_rules(&forfaits_core::rules::SiteRulesChange {
            max_call_minutes: Some(20),
            ..Default::default()
        })
        .unwrap();
    let new = form().settings(&stale).unwrap();
    assert_eq!(new.max_call_minutes, 60, "read before the rule");
    here.save_settings(&new).unwrap();
    assert_eq!(here.settings().unwrap().max_call_minutes, 20);
}
