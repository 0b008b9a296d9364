//! Pinned terms: what the user agreed to pay after looking (`x402 inspect --save-terms FILE`),
//! so a later `x402 get --terms FILE` pays only if the server still asks exactly that, and
//! `--expect-amount` / `--expect-pay-to` for the same check from the command line.

use super::policy::{Quote, Unpayable};
use crate::amount::{self, UserAmount};
use crate::network::same_id;
use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

/// The document `--save-terms` writes and `--terms` reads. Its keys are snake_case, as in
/// every document the tool prints; files written before (version 1, `termsVersion` and
/// `payTo`) are read too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// Version of this document's shape.
    #[serde(alias = "termsVersion")]
    pub terms_version: u32,
    /// The URL inspected (informative: the same terms may be pinned for another URL).
    pub url: String,
    /// CAIP-2 id.
    pub network: String,
    /// The token: a checksummed `0x…` address, or a base58 mint on a `solana:` network.
    pub asset: String,
    pub symbol: String,
    pub decimals: u8,
    /// Base units, decimal string.
    pub amount: String,
    /// The payee, in the same form as `asset`.
    #[serde(alias = "payTo")]
    pub pay_to: String,
}

impl Terms {
    /// 2: snake_case keys; 1: the same fields as `termsVersion` and `payTo`.
    pub const VERSION: u32 = 2;

    pub fn from_quote(url: &str, q: &Quote) -> Self {
        Terms {
            terms_version: Self::VERSION,
            url: url.to_string(),
            network: q.network.caip2(),
            asset: q.asset.id.clone(),
            symbol: q.asset.symbol.clone(),
            decimals: q.asset.decimals,
            amount: q.amount.to_string(),
            pay_to: q.pay_to.clone(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut t: Terms = serde_json::from_str(text).map_err(|e| e.to_string())?;
        t.asset = crate::network::account_id(&t.network, &t.asset)?;
        t.pay_to = crate::network::account_id(&t.network, &t.pay_to)?;
        if !(1..=Self::VERSION).contains(&t.terms_version) {
            return Err(format!(
                "terms_version {} is not supported (expected 1 to {})",
                t.terms_version,
                Self::VERSION
            ));
        }
        if t.amount.is_empty() || !t.amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("amount '{}' is not a base-unit integer", t.amount));
        }
        Ok(t)
    }
}

/// Everything the user pinned for this call.
#[derive(Clone, Debug, Default)]
pub struct Pins {
    pub terms: Option<Terms>,
    pub amount: Option<UserAmount>,
    /// `--expect-pay-to`, as text in the form quotes use (checksummed for EVM).
    pub pay_to: Option<String>,
}

impl Pins {
    pub fn is_empty(&self) -> bool {
        self.terms.is_none() && self.amount.is_none() && self.pay_to.is_none()
    }

    /// Whether an option may be paid under the pins; the reason when not.
    pub fn check(&self, q: &Quote) -> Result<(), Unpayable> {
        if let Some(t) = &self.terms {
            if t.network != q.network.caip2() {
                return Err(format!(
                    "network {} is not the pinned {}",
                    q.network.caip2(),
                    t.network
                ));
            }
            if !same_id(&t.network, &t.asset, &q.asset.id) {
                return Err(format!(
                    "asset {} is not the pinned {}",
                    q.asset.id, t.asset
                ));
            }
            if t.amount != q.amount.to_string() {
                let pinned = U256::from_str_radix(&t.amount, 10)
                    .map(|a| amount::display(a, t.decimals, &t.symbol))
                    .unwrap_or_else(|_| t.amount.clone());
                return Err(format!("{} is not the pinned {pinned}", q.price()));
            }
            if !same_id(&t.network, &t.pay_to, &q.pay_to) {
                return Err(format!("payee {} is not the pinned {}", q.pay_to, t.pay_to));
            }
        }
        if let Some(a) = &self.amount {
            let expected = a.to_base_units(q.asset.decimals).map_err(|_| {
                format!(
                    "--expect-amount {a} cannot be expressed in {}",
                    q.asset.symbol
                )
            })?;
            if expected != q.amount {
                return Err(format!(
                    "{} is not the expected {}",
                    q.price(),
                    amount::display(expected, q.asset.decimals, &q.asset.symbol)
                ));
            }
        }
        if let Some(to) = &self.pay_to
            && !same_id(&q.network.caip2(), to, &q.pay_to)
        {
            return Err(format!("payee {} is not the expected {to}", q.pay_to));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Chain, Networks, Token};
    use crate::payment::policy::Scheme;
    use alloy_primitives::Address;

    fn quote(amount: u64, pay_to: Address) -> Quote {
        let networks = Networks::built_in();
        let network = networks.find("base-sepolia").unwrap().clone();
        let asset = network.assets[0].clone();
        Quote {
            index: 0,
            network: Chain::Evm(network),
            asset: Token::of_evm(&asset),
            amount: U256::from(amount),
            pay_to: pay_to.to_checksum(None),
            max_timeout_seconds: 60,
            scheme: Scheme::Eip3009 {
                asset,
                pay_to,
                domain_name: "USDC".into(),
                domain_version: "2".into(),
            },
        }
    }

    #[test]
    fn saved_terms_round_trip_and_pin_every_field() {
        let payee = Address::repeat_byte(0x22);
        let q = quote(1000, payee);
        let t = Terms::from_quote("http://127.0.0.1/x", &q);
        let text = serde_json::to_string_pretty(&t).unwrap();
        let back = Terms::parse(&text).unwrap();
        assert_eq!(back, t);
        let pins = Pins {
            terms: Some(back),
            ..Pins::default()
        };
        assert!(pins.check(&q).is_ok());
        let err = pins.check(&quote(1001, payee)).unwrap_err();
        assert!(
            err.contains("0.001001 USDC") && err.contains("0.001 USDC"),
            "{err}"
        );
        assert!(
            pins.check(&quote(1000, Address::repeat_byte(0x33)))
                .unwrap_err()
                .contains("payee")
        );
        assert!(Terms::parse(&text.replace("\"1000\"", "\"1e3\"")).is_err());
        assert!(Terms::parse(&text.replace("terms_version\": 2", "terms_version\": 9")).is_err());
        assert!(
            text.contains("\"pay_to\"") && !text.contains("payTo"),
            "{text}"
        );
    }

    #[test]
    fn terms_saved_before_snake_case_still_read() {
        let payee = Address::repeat_byte(0x22);
        let old = format!(
            r#"{{"termsVersion": 1, "url": "http://127.0.0.1/x", "network": "eip155:84532",
                "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "symbol": "USDC",
                "decimals": 6, "amount": "1000", "payTo": "{}"}}"#,
            payee.to_checksum(None)
        );
        let t = Terms::parse(&old).unwrap();
        assert_eq!(
            (t.terms_version, t.pay_to.as_str()),
            (1, payee.to_checksum(None).as_str())
        );
        let pins = Pins {
            terms: Some(t),
            ..Pins::default()
        };
        assert!(pins.check(&quote(1000, payee)).is_ok());
    }

    #[test]
    fn expected_amount_and_payee() {
        let payee = Address::repeat_byte(0x22);
        let pins = Pins {
            amount: Some("0.001".parse().unwrap()),
            pay_to: Some(payee.to_checksum(None)),
            ..Pins::default()
        };
        assert!(pins.check(&quote(1000, payee)).is_ok());
        assert!(pins.check(&quote(2000, payee)).is_err());
        assert!(pins.check(&quote(1000, Address::ZERO)).is_err());
    }
}
