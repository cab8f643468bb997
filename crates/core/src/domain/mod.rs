//! Domain types with validating constructors and French messages.

pub mod account;
pub mod codes;
pub mod currency_code;
pub mod field;
pub mod money;
pub mod name;
pub mod phone;
pub mod state;

pub use account::{Account, AccountDraft, AccountForm, KEYS};
pub use codes::{Identifiant, Matricule};
pub use field::{Field, FieldError};
pub use money::{Currency, Money};
pub use name::Name;
pub use phone::{CountryCode, Phone};
pub use state::{format_duration, EtatGeneral};
