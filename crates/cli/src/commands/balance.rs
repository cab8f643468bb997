use crate::args::{BalanceArgs, Operation};
use crate::{Io, EXIT_OK};
use forfaits_core::domain::{Matricule, Money};
use forfaits_core::store::ledger::{parse_amount, uncovered_reserve, MovementKind};
use forfaits_core::{Base, Error, Result};

pub fn run(store: &mut Base, a: BalanceArgs, io: &mut Io<'_>) -> Result<u8> {
    let currency = store.settings()?.currency;
    let kind = match a.operation {
        Operation::Credit => MovementKind::Recharge,
        Operation::Debit => MovementKind::Debit,
        Operation::Correction => MovementKind::Correction,
    };
    // Both refused at once when both are wrong: one message per problem (SPEC §9).
    let (matricule, amount) = match (
        Matricule::parse(&a.matricule),
        parse_amount(&currency, kind, &a.amount),
    ) {
        (Ok(m), Ok(amount)) => (m, amount),
        (m, amount) => {
            let mut errors: Vec<_> = m.err().into_iter().collect();
            match amount {
                Err(Error::Fields(f)) => errors.extend(f),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            return Err(Error::Fields(errors));
        }
    };
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
    let reserved = store.reserved_amount(account.id, forfaits_core::store::now())?;
    if let Some(w) = uncovered_reserve(&currency, m.montant, m.solde_apres, reserved) {
        let _ = writeln!(io.err, "{w}");
    }
    Ok(EXIT_OK)
}
