//! `x402 wallet approve` on the local chain (84532, as `base-sepolia` with its RPC set in
//! config.toml) against the test USDC: the allowance before and after is read with Foundry's
//! `cast`, never through x402, and so are nonces and receipts. Each test uses an account of its
//! own, made fresh and given gas with `anvil_setBalance`, so nothing here changes what other
//! tests see.

use crate::support::{self, Env, foundry_bin, json_data, localnet};
use alloy_signer_local::PrivateKeySigner;
use std::process::Command;

const PERMIT2: &str = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
const MAX: &str = "115792089237316195423570985008687907853269984665640564039457584007913129639935";

fn cast(net: &localnet::Localnet, args: &[&str]) -> String {
    let out = Command::new(foundry_bin("cast"))
        .args(args)
        .arg("--rpc-url")
        .arg(net.rpc("baseSepolia"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        support::stderr(&out)
    );
    support::stdout(&out).trim().to_string()
}

/// The first word of cast's answer (`25000000 [2.5e7]`).
fn first_word(s: &str) -> String {
    s.split_whitespace().next().unwrap_or_default().to_string()
}

struct Fixture {
    net: &'static localnet::Localnet,
    env: Env,
    address: String,
    usdc: String,
    pw: std::path::PathBuf,
}

impl Fixture {
    /// A fresh account `acct` (password "pw"), with `wei` of gas, on an isolated home whose
    /// config points `base-sepolia` at the local chain.
    fn new(wei: u128) -> Fixture {
        Fixture::with_key(&PrivateKeySigner::random(), wei)
    }

    fn with_key(key: &PrivateKeySigner, wei: u128) -> Fixture {
        let net = localnet::get();
        let env = Env::new();
        let address = key.address().to_checksum(None);
        let imported = env.import_key(
            "acct",
            &alloy_primitives::hex::encode_prefixed(key.to_bytes()),
        );
        assert_eq!(imported, address);
        env.write_config(&format!(
            "default_account = \"acct\"\n\n[rpc]\nbase-sepolia = \"{}\"\n",
            net.rpc("baseSepolia")
        ));
        if wei > 0 {
            cast(
                net,
                &["rpc", "anvil_setBalance", &address, &format!("{wei:#x}")],
            );
        }
        let pw = env.password_file("pw");
        Fixture {
            net,
            env,
            address,
            usdc: net.s("/token/baseSepoliaUsdc"),
            pw,
        }
    }

    fn allowance(&self) -> String {
        first_word(&cast(
            self.net,
            &[
                "call",
                &self.usdc,
                "allowance(address,address)(uint256)",
                &self.address,
                PERMIT2,
            ],
        ))
    }

    fn nonce(&self) -> u64 {
        cast(self.net, &["nonce", &self.address]).parse().unwrap()
    }

    fn approve(&self, extra: &[&str]) -> std::process::Output {
        let mut cmd = self.env.x402();
        cmd.args([
            "wallet",
            "approve",
            "--network",
            "base-sepolia",
            "--password-file",
        ])
        .arg(&self.pw)
        .args(extra);
        cmd.output().unwrap()
    }
}

const ETH: u128 = 1_000_000_000_000_000_000;

#[test]
fn approve_amount_unlimited_and_revoke_as_the_chain_reads_them() {
    let f = Fixture::new(ETH);
    assert_eq!(f.allowance(), "0");

    // An amount, as JSON.
    let out = f.approve(&["--asset", "USDC", "--amount", "25.00", "--yes", "--json"]);
    support::assert_exit(&out, 0);
    let data = json_data(&out);
    assert_eq!(f.allowance(), "25000000");
    assert_eq!(data["address"], f.address.as_str());
    assert_eq!(data["caip2"], "eip155:84532");
    assert_eq!(data["asset"]["symbol"], "USDC");
    assert_eq!(data["asset"]["address"], f.usdc.as_str());
    assert_eq!(data["spender"]["address"], PERMIT2);
    assert_eq!(data["previous_allowance"]["base_units"], "0");
    assert_eq!(data["allowance"]["base_units"], "25000000");
    assert_eq!(data["allowance"]["amount_decimal"], "25.00");
    let hash = data["transaction"]["hash"].as_str().unwrap().to_string();
    let receipt: serde_json::Value =
        serde_json::from_str(&cast(f.net, &["receipt", &hash, "--json"])).unwrap();
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(
        receipt["from"].as_str().unwrap().to_lowercase(),
        f.address.to_lowercase()
    );
    assert_eq!(
        receipt["to"].as_str().unwrap().to_lowercase(),
        f.usdc.to_lowercase()
    );
    assert_eq!(receipt["type"], "0x2", "an EIP-1559 transaction");
    assert_eq!(f.nonce(), 1);
    assert!(
        support::stderr(&out).contains("lets Permit2 move 0.00 USDC"),
        "the current allowance is shown first: {}",
        support::stderr(&out)
    );

    // Unlimited, in the human form, with the token given by address.
    let out = f.approve(&["--asset", &f.usdc, "--unlimited", "--yes"]);
    support::assert_exit(&out, 0);
    assert_eq!(f.allowance(), MAX);
    let text = support::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("transaction 0x") && lines[0].len() == 12 + 66,
        "{text}"
    );
    assert_eq!(lines[1], "allowance unlimited USDC");
    assert!(support::stderr(&out).contains("lets Permit2 move 25.00 USDC"));

    // Revoke.
    let out = f.approve(&["--asset", "usdc", "--revoke", "--yes", "--json"]);
    support::assert_exit(&out, 0);
    assert_eq!(f.allowance(), "0");
    let data = json_data(&out);
    assert_eq!(data["previous_allowance"]["amount_decimal"], "unlimited");
    assert_eq!(data["previous_allowance"]["base_units"], MAX);
    assert_eq!(data["allowance"]["base_units"], "0");
    assert_eq!(f.nonce(), 3);

    // Already 0: nothing to send.
    let out = f.approve(&["--asset", "USDC", "--revoke", "--yes", "--json"]);
    support::assert_exit(&out, 0);
    assert_eq!(json_data(&out)["transaction"], serde_json::Value::Null);
    assert_eq!(f.nonce(), 3, "no transaction");
}

#[test]
fn an_account_without_gas_gets_a_clear_error_and_sends_nothing() {
    let f = Fixture::new(0);
    let out = f.approve(&["--asset", "USDC", "--unlimited", "--yes", "--json"]);
    support::assert_exit(&out, 113);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("has 0.00 ETH for gas"), "{message}");
    assert!(message.contains(&f.address), "{message}");
    assert_eq!(doc["errors"][0]["code"], 113);
    assert_eq!(f.nonce(), 0);
    assert_eq!(f.allowance(), "0");
}

#[test]
fn without_a_terminal_it_needs_yes() {
    let f = Fixture::new(ETH);
    let out = f.approve(&["--asset", "USDC", "--amount", "1.00"]);
    support::assert_exit(&out, 110);
    let err = support::stderr(&out);
    assert!(err.contains("pass --yes"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(f.nonce(), 0);
    assert_eq!(f.allowance(), "0");
}

#[test]
fn at_a_terminal_no_sends_nothing_and_yes_sends_after_the_password() {
    let f = Fixture::new(ETH);
    let args = [
        "wallet",
        "approve",
        "--network",
        "base-sepolia",
        "--asset",
        "USDC",
        "--amount",
        "5.00",
    ];
    let prompt = "Let Permit2 move 5.00 USDC from acct on base-sepolia?";
    let mut t = f.env.terminal(&args, |_| {});
    t.expect(prompt);
    t.expect("[y/N]");
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.type_line("n");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(110), "{shown}");
    assert!(shown.contains("approval declined: nothing sent"), "{shown}");
    assert!(
        !shown.contains("Password"),
        "no password before a yes: {shown}"
    );
    assert_eq!(f.nonce(), 0);
    assert_eq!(f.allowance(), "0");

    let mut t = f.env.terminal(&args, |_| {});
    t.expect(prompt);
    t.expect("[y/N]");
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.type_line("y");
    t.answer("Password for 'acct'", "pw");
    let (code, shown) = t.finish();
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("allowance 5.00 USDC"), "{shown}");
    assert_eq!(f.allowance(), "5000000");
    assert_eq!(f.nonce(), 1);
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let f = Fixture::new(ETH);
    // How much is required.
    let out = f.approve(&["--asset", "USDC", "--yes"]);
    support::assert_exit(&out, 2);
    // One of --amount, --unlimited, --revoke.
    let out = f.approve(&["--asset", "USDC", "--unlimited", "--revoke", "--yes"]);
    support::assert_exit(&out, 2);
    // An unknown symbol names the known ones.
    let out = f.approve(&["--asset", "DAI", "--unlimited", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        support::stderr(&out).contains("known: USDC"),
        "{}",
        support::stderr(&out)
    );
    // More decimals than the token has.
    let out = f.approve(&["--asset", "USDC", "--amount", "0.0000001", "--yes"]);
    support::assert_exit(&out, 2);
    // A node of another chain.
    let out = f.approve(&[
        "--asset",
        "USDC",
        "--unlimited",
        "--yes",
        "--rpc-url",
        &f.net.rpc("devchain"),
    ]);
    support::assert_exit(&out, 2);
    assert!(
        support::stderr(&out).contains("serves chain 31337, not chain 84532"),
        "{}",
        support::stderr(&out)
    );
    // An address with no token contract.
    let out = f.approve(&[
        "--asset",
        "0x00000000000000000000000000000000000000aa",
        "--unlimited",
        "--yes",
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        support::stderr(&out).contains("decimals"),
        "{}",
        support::stderr(&out)
    );
    assert_eq!(f.nonce(), 0, "nothing was sent");
    assert_eq!(f.allowance(), "0");
}

/// The pieces a Permit2 payment is made of, driven through the library against the chain: the
/// allowance read and decision, and the two gas-sponsoring extensions, whose signed permit and
/// signed transaction are then submitted as a facilitator would (`permit(…)` sent by another
/// account, the raw transaction published) to show the chain accepts them.
mod prepare {
    use super::*;
    use x402::evm_tx::{Chain, TxError};
    use x402::payment::permit2::chain::{PrepareError, Prepared, prepare};
    use x402::payment::permit2::{self, Approval};

    const TOKEN_DOMAIN: (&str, &str) = ("USDC", "2");

    /// A 402 for 1.50 test USDC paid with Permit2 (with or without the token's EIP-712 domain
    /// in `extra`), declaring the given extensions as the official server does (the
    /// declarations are taken from tests/fixtures/permit2-wire): its terms and extensions.
    fn terms_and_extensions(
        f: &Fixture,
        with_domain: bool,
        extensions: &[&str],
    ) -> (permit2::Terms, Option<serde_json::Value>) {
        let wire = |file: &str| -> serde_json::Value {
            let text = std::fs::read_to_string(
                support::root()
                    .join("tests/fixtures/permit2-wire")
                    .join(file),
            )
            .unwrap();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            doc["http"][0]["response"]["paymentRequired"]["extensions"].clone()
        };
        let mut ext = serde_json::Map::new();
        for key in extensions {
            let file = match *key {
                "eip2612GasSponsoring" => "4-exact-permit2-eip2612.json",
                _ => "6-exact-permit2-erc20approval.json",
            };
            ext.insert(key.to_string(), wire(file)[key].clone());
        }
        let mut extra = serde_json::json!({"assetTransferMethod": "permit2"});
        if with_domain {
            extra["name"] = TOKEN_DOMAIN.0.into();
            extra["version"] = TOKEN_DOMAIN.1.into();
        }
        let doc = serde_json::json!({
            "x402Version": 2,
            "resource": {"url": "http://127.0.0.1/x", "description": "", "mimeType": ""},
            "accepts": [{
                "scheme": "exact",
                "network": "eip155:84532",
                "amount": "1500000",
                "asset": f.usdc,
                "payTo": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
                "maxTimeoutSeconds": 300,
                "extra": extra,
            }],
            "extensions": ext,
        });
        let b64 =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, doc.to_string());
        let c = x402::payment::challenge::parse_payment_required(
            &[("PAYMENT-REQUIRED".to_string(), b64)],
            b"{}",
        )
        .unwrap();
        let terms = permit2::read_requirement(&c.accepts[0]).unwrap();
        (terms, c.extensions)
    }

    fn run_prepare(
        key: &PrivateKeySigner,
        terms: &permit2::Terms,
        extensions: Option<&serde_json::Value>,
        rpc_url: &str,
    ) -> Result<Prepared, PrepareError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = x402::http::client(&Default::default()).unwrap();
        rt.block_on(async {
            let chain = Chain::new(&client, rpc_url, 84532);
            prepare(&chain, key, terms, extensions, unix_now()).await
        })
    }

    fn unix_now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// A fresh account `acct` whose key the test holds, with no gas.
    fn payer() -> (Fixture, PrivateKeySigner) {
        let key = PrivateKeySigner::random();
        (Fixture::with_key(&key, 0), key)
    }

    #[test]
    fn no_allowance_and_no_extension_is_refused_until_approved() {
        let (f, key) = payer();
        let (terms, ext) = terms_and_extensions(&f, true, &[]);
        let err = run_prepare(&key, &terms, ext.as_ref(), &f.net.rpc("baseSepolia")).unwrap_err();
        let PrepareError::AllowanceRequired(refusal) = &err else {
            panic!("{err}");
        };
        assert_eq!(refusal.allowance, Some(alloy_primitives::U256::ZERO));
        assert!(err.to_string().contains("x402 wallet approve"), "{err}");

        // The command the refusal names, run as it says (it needs gas), makes it a plain payment.
        let text = err.to_string();
        let named = text.split('`').nth(1).expect("a command in backticks");
        let argv: Vec<&str> = named
            .split_whitespace()
            .map(|w| if w == "AMOUNT" { "1.50" } else { w })
            .collect();
        assert_eq!(argv[..3], ["x402", "wallet", "approve"], "{named}");
        cast(
            f.net,
            &["rpc", "anvil_setBalance", &f.address, &format!("{ETH:#x}")],
        );
        let out = f
            .env
            .x402()
            .args(&argv[1..])
            .args(["--yes", "--password-file"])
            .arg(&f.pw)
            .output()
            .unwrap();
        support::assert_exit(&out, 0);
        let ready = run_prepare(&key, &terms, ext.as_ref(), &f.net.rpc("baseSepolia")).unwrap();
        assert_eq!(ready.approval, Approval::Sufficient);
        assert_eq!(ready.extensions, ext, "echoed unchanged");
        let a = &ready.signed.payload["permit2Authorization"];
        assert_eq!(a["from"], f.address.as_str());
        assert_eq!(a["permitted"]["amount"], "1500000");
        assert_eq!(a["spender"], "0x402085c248EeA27D92E8b30b2C58ed07f9E20001");

        // A node of another chain is refused before anything is read or signed.
        let err = run_prepare(&key, &terms, ext.as_ref(), &f.net.rpc("devchain")).unwrap_err();
        assert!(
            matches!(
                err,
                PrepareError::Tx(TxError::WrongChain { actual: 31337, .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn the_eip2612_permit_is_accepted_by_the_token() {
        let (f, key) = payer();
        let (terms, ext) = terms_and_extensions(
            &f,
            true,
            &["eip2612GasSponsoring", "erc20ApprovalGasSponsoring"],
        );
        let ready = run_prepare(&key, &terms, ext.as_ref(), &f.net.rpc("baseSepolia")).unwrap();
        assert_eq!(
            ready.approval,
            Approval::Eip2612,
            "preferred when both are offered"
        );
        let ext = ready.extensions.unwrap();
        let info = &ext["eip2612GasSponsoring"]["info"];
        assert_eq!(info["from"], f.address.as_str());
        assert_eq!(info["spender"], PERMIT2);
        assert_eq!(info["amount"], "1500000");
        assert_eq!(info["nonce"], "0");
        assert_eq!(
            info["deadline"],
            ready.signed.payload["permit2Authorization"]["deadline"]
        );
        assert!(
            ext["erc20ApprovalGasSponsoring"]["info"]
                .get("signedTransaction")
                .is_none(),
            "the unused extension is echoed as declared"
        );
        // Submitted by someone else, as the facilitator does: the token takes it.
        let relayer = PrivateKeySigner::random();
        let relayer_address = relayer.address().to_checksum(None);
        cast(
            f.net,
            &[
                "rpc",
                "anvil_setBalance",
                &relayer_address,
                &format!("{ETH:#x}"),
            ],
        );
        cast(
            f.net,
            &[
                "send",
                &f.usdc,
                "permit(address,address,uint256,uint256,bytes)",
                &f.address,
                PERMIT2,
                info["amount"].as_str().unwrap(),
                info["deadline"].as_str().unwrap(),
                info["signature"].as_str().unwrap(),
                "--private-key",
                &alloy_primitives::hex::encode_prefixed(relayer.to_bytes()),
            ],
        );
        assert_eq!(f.allowance(), "1500000");
        assert_eq!(f.nonce(), 0, "the payer sent nothing and paid no gas");
    }

    #[test]
    fn the_signed_approval_is_a_transaction_the_chain_accepts() {
        let (f, key) = payer();
        // Without the token's domain in `extra` the permit cannot be signed: the approval it is.
        let (terms, ext) = terms_and_extensions(
            &f,
            false,
            &["eip2612GasSponsoring", "erc20ApprovalGasSponsoring"],
        );
        let ready = run_prepare(&key, &terms, ext.as_ref(), &f.net.rpc("baseSepolia")).unwrap();
        assert_eq!(ready.approval, Approval::Erc20Approval);
        let ext = ready.extensions.unwrap();
        let info = &ext["erc20ApprovalGasSponsoring"]["info"];
        assert_eq!(info["from"], f.address.as_str());
        assert_eq!(info["amount"], MAX);
        assert_eq!(
            info["description"],
            "The facilitator broadcasts a pre-signed ERC-20 approve() transaction to grant Permit2 allowance.",
            "the server's fields stay"
        );
        let raw = info["signedTransaction"].as_str().unwrap();
        // As the facilitator does: fund the payer's gas, then broadcast the signed approve.
        cast(
            f.net,
            &["rpc", "anvil_setBalance", &f.address, &format!("{ETH:#x}")],
        );
        let published = cast(f.net, &["publish", raw]);
        assert!(published.contains("0x"), "{published}");
        assert_eq!(f.allowance(), MAX);
        assert_eq!(f.nonce(), 1);
    }
}
