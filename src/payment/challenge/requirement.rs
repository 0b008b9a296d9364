//! Reading one `accepts` entry into a [`Requirement`], and what callers ask of it (chain id,
//! CAIP-2 network, addresses, disagreements with the network table's token).
//!
//! May use the types of [`super`], the value checks in `fields`, the network table's types,
//! and [`crate::payment::flow::payment_flow`] for `extra.paymentFlow`.

use alloy_primitives::{Address, U256};
use serde_json::{Map, Value};

use super::fields::{
    Family, Need, check_amount, check_base58_address, check_caip2, check_evm_address,
    check_v1_network, eip155_chain_id, json_type, string_field,
};
use super::{Problem, Requirement};
use crate::network::{Asset, Network, TransferMethod, v1_evm_chain_id, v1_solana_caip2};

impl Requirement {
    /// Reads `accepts[index]` of an x402 document of the given version (1 or 2; anything
    /// else is read as 2). Never fails: what is wrong goes into `problems`.
    pub fn parse(index: usize, raw: &Value, version: u8) -> Requirement {
        let version = if version == 1 { 1 } else { 2 };
        let mut req = Requirement {
            index,
            raw: raw.clone(),
            version,
            scheme: None,
            network: None,
            amount: None,
            asset: None,
            pay_to: None,
            max_timeout_seconds: None,
            extra: None,
            resource: None,
            description: None,
            mime_type: None,
            problems: Vec::new(),
        };
        let Value::Object(obj) = raw else {
            req.problems.push(Problem::new(
                "accepts",
                format!("entry {index} is {}, not an object", json_type(raw)),
            ));
            return req;
        };
        let p = &mut req.problems;
        let amount_key = if version == 1 {
            "maxAmountRequired"
        } else {
            "amount"
        };

        req.scheme = string_field(obj, "scheme", Need::NonEmpty, p);
        req.network = string_field(obj, "network", Need::NonEmpty, p);
        req.amount = string_field(obj, amount_key, Need::NonEmpty, p);
        if version == 2
            && !obj.contains_key("amount")
            && obj.contains_key("maxAmountRequired")
            && let Some(last) = p.last_mut()
        {
            last.message = "is missing (maxAmountRequired is the v1 name)".to_owned();
        }
        req.asset = string_field(obj, "asset", Need::NonEmpty, p);
        req.pay_to = string_field(obj, "payTo", Need::NonEmpty, p);
        let (resource_need, description_need) = if version == 1 {
            (Need::NonEmpty, Need::Present)
        } else {
            (Need::Optional, Need::Optional)
        };
        req.resource = string_field(obj, "resource", resource_need, p);
        req.description = string_field(obj, "description", description_need, p);
        req.mime_type = string_field(obj, "mimeType", Need::Optional, p);

        req.read_timeout_and_extra(obj);
        req.check_amount_and_network(amount_key);
        req.check_addresses();
        req.check_eip712_fields();
        // `extra.paymentFlow`: an unknown flow is a departure, and the option is not paid.
        if let Err(problem) = crate::payment::flow::payment_flow(&req) {
            req.problems.push(problem);
        }
        req
    }

    /// `maxTimeoutSeconds`, `extra` and (v1) `outputSchema`.
    fn read_timeout_and_extra(&mut self, obj: &Map<String, Value>) {
        match obj.get("maxTimeoutSeconds") {
            None => self
                .problems
                .push(Problem::new("maxTimeoutSeconds", "is missing")),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(0) => {
                    self.max_timeout_seconds = Some(0);
                    self.problems
                        .push(Problem::new("maxTimeoutSeconds", "must be positive"));
                }
                Some(secs) => self.max_timeout_seconds = Some(secs),
                None => self.problems.push(Problem::new(
                    "maxTimeoutSeconds",
                    "must be a positive integer number of seconds",
                )),
            },
            Some(other) => self.problems.push(Problem::new(
                "maxTimeoutSeconds",
                format!("must be a number, not {}", json_type(other)),
            )),
        }

        match obj.get("extra") {
            None | Some(Value::Null) => {}
            Some(v @ Value::Object(_)) => self.extra = Some(v.clone()),
            Some(other) => self.problems.push(Problem::new(
                "extra",
                format!("must be an object, not {}", json_type(other)),
            )),
        }
        if self.version == 1 {
            match obj.get("outputSchema") {
                None | Some(Value::Null) | Some(Value::Object(_)) => {}
                Some(other) => self.problems.push(Problem::new(
                    "outputSchema",
                    format!("must be an object, not {}", json_type(other)),
                )),
            }
        }
    }

    /// The amount's and the network's values, once they are known to be strings.
    fn check_amount_and_network(&mut self, amount_key: &str) {
        if let Some(amount) = &self.amount
            && !amount.is_empty()
            && let Err(message) = check_amount(amount)
        {
            self.problems.push(Problem::new(amount_key, message));
        }

        if let Some(network) = self.network.as_deref().filter(|n| !n.is_empty()) {
            let checked = if self.version == 1 {
                check_v1_network(network)
            } else {
                check_caip2(network)
            };
            if let Err(message) = checked {
                self.problems.push(Problem::new("network", message));
            }
        }
    }

    /// `payTo` and `asset` as addresses of the network's family.
    fn check_addresses(&mut self) {
        let family = self.family();
        for (key, value) in [("payTo", &self.pay_to), ("asset", &self.asset)] {
            let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            let checked = match family {
                Family::Evm => check_evm_address(value).and_then(|address| {
                    if address.is_zero() {
                        Err("is the zero address")
                    } else {
                        Ok(())
                    }
                }),
                Family::Solana => check_base58_address(value),
                Family::Other => Ok(()),
            };
            if let Err(message) = checked {
                self.problems.push(Problem::new(key, message));
            }
        }
    }

    /// The EIP-712 domain fields an EIP-3009 `exact` option signs with.
    fn check_eip712_fields(&mut self) {
        let family = self.family();
        // `exact` on EVM with EIP-3009 signs an EIP-712 domain whose name and version come
        // from `extra`; the TS client throws without them (`signEIP3009Authorization`). This
        // tool falls back to the known token's domain (the policy refuses unknown tokens), so a
        // missing one is a departure to report, not a reason to refuse.
        if family == Family::Evm
            && self.scheme.as_deref() == Some("exact")
            && self.transfer_method() == "eip3009"
        {
            for key in ["name", "version"] {
                let field = format!("extra.{key}");
                match self.extra.as_ref().and_then(|e| e.get(key)) {
                    Some(Value::String(s)) if !s.is_empty() => {}
                    Some(Value::String(_)) => self.problems.push(Problem::new(&field, "is empty")),
                    None | Some(Value::Null) => self.problems.push(Problem::advisory(
                        &field,
                        "is missing (the eip-712 domain needs it; the known token's is used)",
                    )),
                    Some(other) => self.problems.push(Problem::new(
                        &field,
                        format!("must be a string, not {}", json_type(other)),
                    )),
                }
            }
        }
    }

    fn family(&self) -> Family {
        let Some(network) = self.network.as_deref() else {
            return Family::Other;
        };
        if self.version == 1 {
            if v1_evm_chain_id(network).is_some() {
                Family::Evm
            } else if v1_solana_caip2(network).is_some() {
                Family::Solana
            } else {
                Family::Other
            }
        } else if network.starts_with("eip155:") {
            Family::Evm
        } else if network.starts_with("solana:") {
            Family::Solana
        } else {
            Family::Other
        }
    }

    /// The network is an EVM chain (`eip155:*` in v2, a known EVM name in v1).
    pub fn is_evm(&self) -> bool {
        self.family() == Family::Evm
    }

    /// The amount as a uint256, or `None` when missing or not a valid atomic amount.
    pub fn amount_u256(&self) -> Option<U256> {
        check_amount(self.amount.as_deref()?).ok()
    }

    /// EVM chain id: the number after `eip155:` (v2), or the chain of a known v1 name.
    pub fn chain_id(&self) -> Option<u64> {
        let network = self.network.as_deref()?;
        if self.version == 1 {
            v1_evm_chain_id(network)
        } else {
            eip155_chain_id(network.strip_prefix("eip155:")?)
        }
    }

    /// The network as a CAIP-2 id (v1 names translated when known).
    pub fn caip2_network(&self) -> Option<String> {
        let network = self.network.as_deref()?;
        if self.version == 2 {
            return Some(network.to_owned());
        }
        if let Some(id) = self.chain_id() {
            return Some(format!("eip155:{id}"));
        }
        v1_solana_caip2(network).map(str::to_owned)
    }

    /// A string field of `extra`, e.g. `extra_str("name")`.
    pub fn extra_str(&self, key: &str) -> Option<&str> {
        self.extra.as_ref()?.get(key)?.as_str()
    }

    /// `extra.assetTransferMethod`, defaulting to `eip3009` as the reference clients do
    /// (`@x402/evm` `exact/client/scheme.ts`).
    pub fn transfer_method(&self) -> &str {
        self.extra_str("assetTransferMethod").unwrap_or("eip3009")
    }

    /// Where `extra` disagrees with what the network table knows about this requirement's
    /// token: the EIP-712 domain `name` and `version` (signed with the wrong ones, an
    /// authorization is worthless, or good for another contract), and a Permit2-only token
    /// offered without `assetTransferMethod: "permit2"`.
    pub fn token_problems(&self, network: &Network, asset: &Asset) -> Vec<Problem> {
        let mut out = Vec::new();
        let known = [
            ("name", asset.eip712_name.as_str()),
            ("version", asset.eip712_version.as_str()),
        ];
        for (key, expected) in known {
            if let Some(sent) = self.extra_str(key).filter(|s| !s.is_empty())
                && sent != expected
            {
                out.push(Problem::new(
                    &format!("extra.{key}"),
                    format!(
                        "is '{}', but {} on {} signs with eip-712 {key} '{expected}'",
                        crate::output::untrusted(sent),
                        asset.symbol,
                        network.name
                    ),
                ));
            }
        }
        if asset.method == TransferMethod::Permit2
            && self.scheme.as_deref() == Some("exact")
            && self.transfer_method() == "eip3009"
        {
            out.push(Problem::new(
                "extra.assetTransferMethod",
                format!(
                    "{}, but {} on {} has no eip-3009 and moves by permit2",
                    if self.extra_str("assetTransferMethod").is_some() {
                        "is 'eip3009'"
                    } else {
                        "is missing (eip3009 by default)"
                    },
                    asset.symbol,
                    network.name
                ),
            ));
        }
        out
    }

    /// `payTo` as an EVM address, when the network is EVM and the value is a valid,
    /// non-zero address.
    pub fn pay_to_address(&self) -> Option<Address> {
        self.evm_address(self.pay_to.as_deref()?)
    }

    /// `asset` (the token contract) as an EVM address, when valid and non-zero.
    pub fn asset_address(&self) -> Option<Address> {
        self.evm_address(self.asset.as_deref()?)
    }

    fn evm_address(&self, s: &str) -> Option<Address> {
        if self.is_evm() {
            check_evm_address(s).ok().filter(|a| !a.is_zero())
        } else {
            None
        }
    }
}
