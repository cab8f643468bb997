use crate::args::{BalanceArgs, Operation};
use crate::{Io, EXIT_OK};
use forfaits_core::domain::{Matricule, Money};
use forfaits_core::store::ledger::{parse_amount, MovementKind};
use forfaits_core::{Base, Error, Result};

pub fn run(store: &mut Base, a: BalanceArgs, io: &mut Io<'_>) -> Result<u8> {
    let currency = store.settings()?.currency;
    let matricule = Matricule::parse(&a.matricule).map_err(Error::field)?;
    let kind = match a.operation {
        Operation::Credit => MovementKind::Recharge,
        Operation::Debit => MovementKind::Debit,
        Operation::Correction => MovementKind::Correction,
    };
    let amount = parse_amount(&currency, kind, &a.amount)?;
    let account = store.account_by_matricule(matricule.as_str())?;
    let m = store.manual_movement(account.id, kind, amount, &a.reason)?;
    super::w(writeln!(
        io.out,
        "Mouvement « {} » de {}{} enregistré. Nouveau solde {} ({}) : {}",
        m.libelle,
        if m.montant > 0 { "+" } else { "" },
        currency.format(Money(m.montant)),
        forfaits_core::fr::de(&account.name),
        account.matricule,
        currency.format(Money(m.solde_apres))
    ));
    Ok(EXIT_OK)
}
