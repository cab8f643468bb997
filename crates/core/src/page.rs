//! A page of a list read newest first (movements, calls, call attempts): how many rows, and
//! below which one. The window asks for the rows below the last one it shows rather than for
//! an offset, so that a row written meanwhile (another desk, the telephony server) neither
//! repeats one at the page's seam nor hides one.

use crate::store::accounts::MAX_PAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many rows at most (at least one, at most [`MAX_PAGE`]).
    pub limit: u32,
    /// The id of the last row shown; `None`: from the newest.
    pub after: Option<i64>,
}

impl Page {
    /// The newest `limit` rows.
    pub fn first(limit: u32) -> Page {
        Page { limit, after: None }
    }

    /// The `limit` rows below the row `after`.
    pub fn below(after: i64, limit: u32) -> Page {
        Page {
            limit,
            after: Some(after),
        }
    }

    /// The page's size as a query takes it.
    pub(crate) fn size(self) -> i64 {
        i64::from(self.limit.clamp(1, MAX_PAGE))
    }
}
