use crate::args::{BalanceArgs, Operation};
use crate::{Io, EXIT_OK};
use forfaits_core::domain::{Field, FieldError, Matricule, Money};
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::{Error, Result, Store};

pub fn run(store: &mut Store, a: BalanceArgs, io: &mut Io<'_>) -> Result<u8> {
    let currency = store.settings()?.currency;
    let matricule = Matricule::parse(&a.matricule).map_err(Error::field)?;
    let (kind, signed) = match a.operation {
        Operation::Credit => (MovementKind::Recharge, false),
        Operation::Debit => (MovementKind::Debit, false),
        Operation::Correction => (MovementKind::Correction, true),
    };
    let amount: Money = currency
        .parse(&a.amount, signed)
        .map_err(|m| Error::field(FieldError::new(Field::Amount, m)))?;
    let account = store.account_by_matricule(matricule.as_str())?;
    let m = store.manual_movement(account.id, kind, amount, &a.reason)?;
    super::w(writeln!(
        io.out,
        "Mouvement « {} » de {}{} enregistré. Nouveau solde {} ({}) : {}",
        m.libelle,
        if m.montant > 0 { "+" } else { "" },
        currency.format(Money(m.montant)),
        forfaits_core::fr::de(&account.nom),
        account.matricule,
        currency.format(Money(m.solde_apres))
    ));
    Ok(EXIT_OK)
}
