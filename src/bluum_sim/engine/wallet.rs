//! Wallet cash arithmetic (fact sheet §2.4): `balance = available_balance + reserved_balance`,
//! nothing ever negative. Holds move cash from available to reserved; a hold is later
//! released (back to available) or captured (spent). Used by the order engine for buy
//! orders, and by the simulator's transfer code for deposits and withdrawal holds.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bluum_sim::error::{ErrorCode, SimApiError};

/// A wallet's balances (one currency).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Wallet {
    pub currency: String,
    pub balance: Decimal,
    pub available_balance: Decimal,
    pub reserved_balance: Decimal,
}

/// Why a wallet operation was refused. Balances are unchanged when an operation fails.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    #[error("insufficient funds: {needed} needed, {available} available")]
    InsufficientFunds { needed: Decimal, available: Decimal },
    #[error("cannot release or capture {amount}: only {reserved} reserved")]
    NotReserved { amount: Decimal, reserved: Decimal },
    #[error("amount must not be negative")]
    NegativeAmount,
}

impl From<WalletError> for SimApiError {
    fn from(err: WalletError) -> Self {
        match err {
            WalletError::InsufficientFunds { .. } => {
                SimApiError::new(ErrorCode::InsufficientFunds, err.to_string())
            }
            WalletError::NegativeAmount => {
                SimApiError::with_param(ErrorCode::InvalidAmount, "amount", err.to_string())
            }
            // Releasing more than is reserved is a simulator bug, not a client error.
            WalletError::NotReserved { .. } => {
                SimApiError::new(ErrorCode::Internal, err.to_string())
            }
        }
    }
}

impl Wallet {
    /// An empty wallet.
    pub fn new(currency: impl Into<String>) -> Self {
        Self {
            currency: currency.into(),
            balance: Decimal::ZERO,
            available_balance: Decimal::ZERO,
            reserved_balance: Decimal::ZERO,
        }
    }

    /// A wallet holding `amount` of available cash.
    pub fn with_balance(currency: impl Into<String>, amount: Decimal) -> Self {
        let mut wallet = Self::new(currency);
        wallet.balance = amount.max(Decimal::ZERO);
        wallet.available_balance = wallet.balance;
        wallet
    }

    /// `balance = available + reserved` and nothing negative.
    pub fn is_consistent(&self) -> bool {
        self.balance == self.available_balance + self.reserved_balance
            && self.available_balance >= Decimal::ZERO
            && self.reserved_balance >= Decimal::ZERO
    }

    /// Adds cash (completed deposit, sell proceeds).
    pub fn credit(&mut self, amount: Decimal) -> Result<(), WalletError> {
        non_negative(amount)?;
        self.balance += amount;
        self.available_balance += amount;
        Ok(())
    }

    /// Spends available cash directly (no hold).
    pub fn debit_available(&mut self, amount: Decimal) -> Result<(), WalletError> {
        non_negative(amount)?;
        if amount > self.available_balance {
            return Err(WalletError::InsufficientFunds {
                needed: amount,
                available: self.available_balance,
            });
        }
        self.balance -= amount;
        self.available_balance -= amount;
        Ok(())
    }

    /// Places a hold: available → reserved.
    pub fn reserve(&mut self, amount: Decimal) -> Result<(), WalletError> {
        non_negative(amount)?;
        if amount > self.available_balance {
            return Err(WalletError::InsufficientFunds {
                needed: amount,
                available: self.available_balance,
            });
        }
        self.available_balance -= amount;
        self.reserved_balance += amount;
        Ok(())
    }

    /// Releases (part of) a hold: reserved → available.
    pub fn release(&mut self, amount: Decimal) -> Result<(), WalletError> {
        self.check_reserved(amount)?;
        self.reserved_balance -= amount;
        self.available_balance += amount;
        Ok(())
    }

    /// Captures (part of) a hold: the reserved cash leaves the wallet.
    pub fn capture(&mut self, amount: Decimal) -> Result<(), WalletError> {
        self.check_reserved(amount)?;
        self.reserved_balance -= amount;
        self.balance -= amount;
        Ok(())
    }

    fn check_reserved(&self, amount: Decimal) -> Result<(), WalletError> {
        non_negative(amount)?;
        if amount > self.reserved_balance {
            return Err(WalletError::NotReserved {
                amount,
                reserved: self.reserved_balance,
            });
        }
        Ok(())
    }
}

fn non_negative(amount: Decimal) -> Result<(), WalletError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        Err(WalletError::NegativeAmount)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn hold_release_capture_keep_the_invariant() {
        let mut w = Wallet::with_balance("USD", d("100.00"));
        w.reserve(d("40.00")).expect("enough");
        assert_eq!(
            (w.available_balance, w.reserved_balance),
            (d("60.00"), d("40.00"))
        );
        w.capture(d("30.00")).expect("reserved");
        w.release(d("10.00")).expect("reserved");
        assert_eq!(w.balance, d("70.00"));
        assert_eq!(w.available_balance, d("70.00"));
        assert!(w.is_consistent());
    }

    #[test]
    fn refusals_leave_balances_untouched() {
        let mut w = Wallet::with_balance("USD", d("10.00"));
        let before = w.clone();
        assert!(matches!(
            w.reserve(d("10.01")),
            Err(WalletError::InsufficientFunds { .. })
        ));
        assert!(matches!(
            w.release(d("0.01")),
            Err(WalletError::NotReserved { .. })
        ));
        assert_eq!(w.credit(d("-1")), Err(WalletError::NegativeAmount));
        assert!(w.debit_available(d("11")).is_err());
        assert_eq!(w, before);
        let err: SimApiError = WalletError::InsufficientFunds {
            needed: d("2"),
            available: d("1"),
        }
        .into();
        assert_eq!(err.code, ErrorCode::InsufficientFunds);
    }
}
