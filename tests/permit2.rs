//! Permit2 on the local chain (84532, as `base-sepolia` with its RPC set in config.toml):
//! `x402 wallet approve` against the test USDC, the pieces a Permit2 payment is made of
//! (`prepare`), and what the chain says of Permit2 payments made through the official server and
//! facilitator (`chain_truth`: check, confirm, cancel). Allowances, nonces, receipts and
//! transfers are read back with Foundry's `cast`, never through x402. Each test uses accounts of
//! its own, made fresh and given gas with `anvil_setBalance`, so nothing here changes what other
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
            &[(
                reqwest::header::HeaderName::from_static("payment-required"),
                reqwest::header::HeaderValue::from_str(&b64).unwrap(),
            )]
            .into_iter()
            .collect(),
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

/// What the chain says about Permit2 payments, through the library (`permit2::check`,
/// `confirm`, `cancel`): payments made through the official v2 server and facilitator with the
/// crate's own signer, each from a fresh account given gas, PlainUSD and its Permit2 approval,
/// so no other test's balances move. Transfers and receipts are read back with `cast`.
mod chain_truth {
    use super::*;
    use alloy_primitives::{Address, B256, U256};
    use std::time::Duration;
    use x402::evm_tx::Chain;
    use x402::payment::permit2::cancel::{CancelError, cancel};
    use x402::payment::permit2::check::{
        CheckError, Confirmation, Mismatch, Record, Scheme, Verdict, check, confirm, parse_nonce,
    };
    use x402::payment::permit2::{self, chain::Prepared};

    fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn unix_now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn client() -> reqwest::Client {
        x402::http::client(&Default::default()).unwrap()
    }

    fn key_hex(key: &PrivateKeySigner) -> String {
        alloy_primitives::hex::encode_prefixed(key.to_bytes())
    }

    /// A fresh payer with 1 ETH and `tokens` PlainUSD, PlainUSD approved to Permit2 (max).
    fn funded_payer(net: &localnet::Localnet, tokens: u64) -> PrivateKeySigner {
        let key = PrivateKeySigner::random();
        cast(
            net,
            &[
                "rpc",
                "anvil_setBalance",
                &key.address().to_checksum(None),
                &format!("{ETH:#x}"),
            ],
        );
        let plain = net.permit2_token("plain");
        mint(net, &plain, &key, &key, tokens);
        cast(
            net,
            &[
                "send",
                &plain,
                "approve(address,uint256)",
                PERMIT2,
                MAX,
                "--private-key",
                &key_hex(&key),
            ],
        );
        key
    }

    /// `token.mint(to, amount)`, sent by `from` (the test tokens let anyone mint).
    fn mint(
        net: &localnet::Localnet,
        token: &str,
        from: &PrivateKeySigner,
        to: &PrivateKeySigner,
        amount: u64,
    ) {
        cast(
            net,
            &[
                "send",
                token,
                "mint(address,uint256)",
                &to.address().to_checksum(None),
                &amount.to_string(),
                "--private-key",
                &key_hex(from),
            ],
        );
    }

    /// What a paid route gave: the record the journal would hold, and the settlement.
    struct Paid {
        record: Record,
        transaction: B256,
        charged: Option<U256>,
    }

    /// Pays `route` as `x402 get` will: the 402 read, `chain::prepare` (allowance, signing),
    /// the `PAYMENT-SIGNATURE` header, the paid answer's `PAYMENT-RESPONSE`.
    fn pay_route(net: &localnet::Localnet, route: &str, key: &PrivateKeySigner) -> Paid {
        let route = net.permit2_route(route);
        let rpc_url = net.rpc("baseSepolia");
        block_on(async {
            let http = client();
            let answer = http.get(&route.url).send().await.unwrap();
            assert_eq!(answer.status(), 402);
            let headers = answer.headers().clone();
            let body = answer.bytes().await.unwrap();
            let challenge =
                x402::payment::challenge::parse_payment_required(&headers, &body).unwrap();
            let requirement = challenge
                .accepts
                .iter()
                .find(|r| permit2::is_permit2(r))
                .expect("a permit2 option");
            let terms = permit2::read_requirement(requirement).unwrap();
            let signed_at = unix_now();
            let chain = Chain::new(&http, &rpc_url, 84532);
            let Prepared {
                signed, extensions, ..
            } = permit2::chain::prepare(
                &chain,
                key,
                &terms,
                challenge.extensions.as_ref(),
                signed_at,
            )
            .await
            .unwrap();
            let header = x402::payment::header::payment_signature_v2(
                &requirement.raw,
                challenge.resource.as_ref().map(|r| &r.raw),
                extensions.as_ref(),
                signed.payload.clone(),
            );
            let paid = http
                .get(&route.url)
                .header("PAYMENT-SIGNATURE", header)
                .send()
                .await
                .unwrap();
            assert_eq!(paid.status(), 200, "{:?}", paid.text().await);
            let settlement = x402::payment::receipt::decode_settlement(
                paid.headers()["PAYMENT-RESPONSE"].to_str().unwrap(),
            )
            .unwrap();
            assert!(settlement.success, "{settlement:?}");
            let transaction: B256 = settlement.transaction.unwrap().parse().unwrap();
            let charged = settlement.amount.map(|a| a.parse().unwrap());
            // The nonce as the journal keeps it: the decimal text of the payload.
            let nonce = signed.payload["permit2Authorization"]["nonce"]
                .as_str()
                .unwrap();
            Paid {
                record: Record {
                    chain_id: 84532,
                    token: terms.token,
                    payer: key.address(),
                    pay_to: terms.pay_to,
                    nonce: parse_nonce(nonce).unwrap(),
                    deadline: signed.authorization.deadline,
                    signed_at,
                    scheme: terms.kind.into(),
                    amount: terms.amount,
                    transaction: None,
                    charged: None,
                },
                transaction,
                charged,
            }
        })
    }

    fn run_check(rpc_url: &str, record: &Record) -> Result<Verdict, CheckError> {
        let http = client();
        block_on(check(&Chain::new(&http, rpc_url, record.chain_id), record))
    }

    /// The payer's and payee's PlainUSD moved by `amount` in `tx`, as `cast` reads the receipt.
    fn assert_receipt_moves(net: &localnet::Localnet, tx: B256, record: &Record, amount: u64) {
        let receipt: serde_json::Value =
            serde_json::from_str(&cast(net, &["receipt", &format!("{tx:#x}"), "--json"])).unwrap();
        assert_eq!(receipt["status"], "0x1");
        let moved: Vec<u64> = receipt["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| {
                l["address"].as_str().unwrap().to_lowercase() == format!("{:#x}", record.token)
                    && l["topics"].as_array().unwrap().len() == 3
                    && l["topics"][0] == x402::rpc::TRANSFER_TOPIC
                    && l["topics"][1]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("{:x}", record.payer)[..])
            })
            .map(|l| u64::from_str_radix(&l["data"].as_str().unwrap()[2..], 16).unwrap())
            .collect();
        assert_eq!(moved, [amount], "{receipt}");
    }

    #[test]
    fn an_exact_payment_reads_settled_with_its_transaction() {
        let net = localnet::get();
        let key = funded_payer(net, 10_000);
        let paid = pay_route(net, "permit2Exact", &key);
        let rpc_url = net.rpc("baseSepolia");
        assert_receipt_moves(net, paid.transaction, &paid.record, 1_000);

        // Without the transaction: found by its Transfer, tied to the nonce by the proxy call.
        let verdict = run_check(&rpc_url, &paid.record).unwrap();
        let Verdict::Settled(s) = &verdict else {
            panic!("{verdict}")
        };
        assert_eq!(s.transaction, paid.transaction);
        assert_eq!(s.amount, U256::from(1_000u64));
        assert!(s.nonce_seen, "{verdict}");
        assert!(!verdict.still_open());

        // With it: the same.
        let named = Record {
            transaction: Some(paid.transaction),
            ..paid.record.clone()
        };
        assert_eq!(run_check(&rpc_url, &named).unwrap(), verdict);

        // A record of another price, or another nonce, is contradicted loudly.
        let dearer = Record {
            amount: U256::from(1_001u64),
            ..named.clone()
        };
        let v = run_check(&rpc_url, &dearer).unwrap();
        assert!(
            matches!(&v, Verdict::Mismatch { mismatch: Mismatch::WrongAmount { moved, .. }, nonce_used: true, .. } if *moved == U256::from(1_000u64)),
            "{v}"
        );
        let other = Record {
            nonce: paid.record.nonce ^ U256::from(1u8),
            ..named.clone()
        };
        let v = run_check(&rpc_url, &other).unwrap();
        assert!(
            matches!(
                &v,
                Verdict::Mismatch {
                    mismatch: Mismatch::OtherAuthorization { .. },
                    nonce_used: false,
                    ..
                }
            ),
            "{v}"
        );
        assert!(
            v.still_open(),
            "that nonce is unspent and before its deadline"
        );

        // The nonce is spent, but nothing was paid to this payee: used, no transaction found.
        let elsewhere = Record {
            pay_to: Address::repeat_byte(0x78),
            ..paid.record.clone()
        };
        let v = run_check(&rpc_url, &elsewhere).unwrap();
        assert!(
            matches!(v, Verdict::Used { searched: Some((a, b)) } if a <= b),
            "{v}"
        );
        assert!(
            v.to_string().contains("no transaction of it was found"),
            "{v}"
        );

        // The receipt wait of a `success: false` answer naming it.
        let http = client();
        let chain = Chain::new(&http, &rpc_url, 84532);
        let c = block_on(confirm(
            &chain,
            &paid.record,
            paid.transaction,
            Duration::from_secs(5),
        ))
        .unwrap();
        assert!(
            matches!(&c, Confirmation::Settled(s) if s.transaction == paid.transaction && s.nonce_seen),
            "{c:?}"
        );
        let c = block_on(confirm(
            &chain,
            &other,
            paid.transaction,
            Duration::from_secs(5),
        ))
        .unwrap();
        assert!(
            matches!(
                c,
                Confirmation::Unrelated(Mismatch::OtherAuthorization { .. })
            ),
            "{c:?}"
        );
        let c = block_on(confirm(
            &chain,
            &paid.record,
            B256::repeat_byte(0x5a),
            Duration::from_millis(300),
        ))
        .unwrap();
        assert_eq!(c, Confirmation::NotYet);
    }

    #[test]
    fn gas_sponsored_payments_read_settled_too() {
        let net = localnet::get();
        let rpc_url = net.rpc("baseSepolia");
        // A funded account that only mints: the payers have tokens, no ETH, no allowance.
        let minter = funded_payer(net, 0);
        for (route, token) in [
            ("permit2Eip2612", "permit"),
            ("permit2Erc20Approval", "plain"),
        ] {
            let payer = PrivateKeySigner::random();
            mint(net, &net.permit2_token(token), &minter, &payer, 10_000);
            let paid = pay_route(net, route, &payer);
            assert_receipt_moves(net, paid.transaction, &paid.record, 1_000);
            let v = run_check(&rpc_url, &paid.record).unwrap();
            assert!(
                matches!(&v, Verdict::Settled(s) if s.transaction == paid.transaction && s.nonce_seen),
                "{route}: {v}"
            );
        }
    }

    #[test]
    fn an_upto_payment_is_verified_against_its_charge_and_maximum() {
        let net = localnet::get();
        let key = funded_payer(net, 10_000);
        let paid = pay_route(net, "upto", &key);
        let route = net.permit2_route("upto");
        let rpc_url = net.rpc("baseSepolia");
        assert_eq!(paid.record.scheme, Scheme::Upto);
        assert_eq!(paid.record.amount, U256::from(route.amount));
        let charged = U256::from(route.charged.unwrap());
        assert_eq!(paid.charged, Some(charged), "the settlement's amount");
        assert!(charged < paid.record.amount);
        assert_receipt_moves(net, paid.transaction, &paid.record, 1_250);

        let record = Record {
            transaction: Some(paid.transaction),
            charged: paid.charged,
            ..paid.record.clone()
        };
        let v = run_check(&rpc_url, &record).unwrap();
        assert!(
            matches!(&v, Verdict::Settled(s) if s.amount == charged && s.nonce_seen),
            "{v}"
        );
        // Found without the transaction too, the charge known or not.
        for charged in [paid.charged, None] {
            let found = Record {
                charged,
                ..paid.record.clone()
            };
            let v = run_check(&rpc_url, &found).unwrap();
            assert!(
                matches!(&v, Verdict::Settled(s) if s.transaction == paid.transaction && s.amount == U256::from(1_250u64)),
                "{v}"
            );
        }
        // The receipt wait of a `success: false` answer with the charge it reported.
        let http = client();
        let c = block_on(confirm(
            &Chain::new(&http, &rpc_url, 84532),
            &record,
            paid.transaction,
            Duration::from_secs(5),
        ))
        .unwrap();
        assert!(
            matches!(&c, Confirmation::Settled(s) if s.amount == charged),
            "{c:?}"
        );
        // A server that reported another charge than what moved.
        let lied = Record {
            charged: Some(U256::from(1_000u64)),
            ..record.clone()
        };
        let v = run_check(&rpc_url, &lied).unwrap();
        assert!(
            matches!(&v, Verdict::Mismatch { mismatch: Mismatch::WrongAmount { expected, moved, .. }, .. }
                if *expected == U256::from(1_000u64) && *moved == U256::from(1_250u64)),
            "{v}"
        );
        assert!(v.to_string().contains("moved 1250, not 1000"), "{v}");
        // More moved than the maximum the record says was signed.
        let lower = Record {
            amount: U256::from(1_000u64),
            charged: None,
            ..record.clone()
        };
        let v = run_check(&rpc_url, &lower).unwrap();
        assert!(
            matches!(
                &v,
                Verdict::Mismatch {
                    mismatch: Mismatch::AboveMaximum { .. },
                    ..
                }
            ),
            "{v}"
        );
        assert!(v.to_string().contains("above the signed maximum"), "{v}");
    }

    #[test]
    fn cancelling_spends_the_nonce_and_check_reads_it_cancelled() {
        let net = localnet::get();
        let rpc_url = net.rpc("baseSepolia");
        let key = funded_payer(net, 10_000);
        let terms = permit2::Terms {
            index: 0,
            kind: permit2::Kind::Exact,
            chain_id: 84532,
            token: net.permit2_token("plain").parse().unwrap(),
            amount: U256::from(1_000u64),
            pay_to: Address::repeat_byte(0x77),
            max_timeout_seconds: 300,
            token_domain: None,
        };
        let signed_at = unix_now();
        // Signed and never sent: open.
        let signed = permit2::authorize(&key, &terms, signed_at).unwrap();
        let record = Record {
            chain_id: 84532,
            token: terms.token,
            payer: key.address(),
            pay_to: terms.pay_to,
            nonce: signed.authorization.nonce,
            deadline: signed.authorization.deadline,
            signed_at,
            scheme: Scheme::Exact,
            amount: terms.amount,
            transaction: None,
            charged: None,
        };
        let v = run_check(&rpc_url, &record).unwrap();
        assert!(matches!(v, Verdict::Open { .. }), "{v}");
        // The exact proxy would settle it now (simulated: `eth_call` from anyone).
        let a = &signed.authorization;
        let settle = |how: &[&str]| {
            Command::new(foundry_bin("cast"))
                .args(how)
                .args([
                    &a.spender().to_checksum(None),
                    "settle(((address,uint256),uint256,uint256),address,(address,uint256),bytes)",
                    &format!("(({:#x},{}),{},{})", a.token, a.amount, a.nonce, a.deadline),
                    &format!("{:#x}", a.from),
                    &format!("({:#x},{})", a.to, a.valid_after),
                    &alloy_primitives::hex::encode_prefixed(signed.signature),
                    "--rpc-url",
                    &net.rpc("baseSepolia"),
                ])
                .output()
                .unwrap()
        };
        let before = settle(&["call"]);
        assert!(before.status.success(), "{}", support::stderr(&before));

        let http = client();
        let chain = Chain::new(&http, &rpc_url, 84532);
        // Refused before anything is sent.
        let refused = |signer: &PrivateKeySigner| {
            block_on(cancel(
                &chain,
                signer,
                &record,
                Duration::from_secs(10),
                |_| panic!("nothing may be sent"),
            ))
            .unwrap_err()
        };
        // Only the payer's own account can.
        let r = refused(&PrivateKeySigner::random());
        assert!(matches!(r, CancelError::NotPayer { .. }), "{r:?}");

        let mut sent = None;
        let receipt = block_on(cancel(
            &chain,
            &key,
            &record,
            Duration::from_secs(10),
            |h| sent = Some(h),
        ))
        .unwrap();
        assert_eq!(sent, Some(receipt.hash));
        let tx = format!("{:#x}", receipt.hash);
        let mined: serde_json::Value =
            serde_json::from_str(&cast(net, &["receipt", &tx, "--json"])).unwrap();
        assert_eq!(mined["status"], "0x1");
        assert_eq!(
            mined["to"].as_str().unwrap().to_lowercase(),
            PERMIT2.to_lowercase()
        );
        let (word, bit) = permit2::logs::nonce_position(record.nonce);
        let bitmap = first_word(&cast(
            net,
            &[
                "call",
                PERMIT2,
                "nonceBitmap(address,uint256)(uint256)",
                &key.address().to_checksum(None),
                &word.to_string(),
            ],
        ));
        assert!(
            U256::from_str_radix(&bitmap, 10)
                .unwrap()
                .bit(usize::from(bit)),
            "the bit is set: {bitmap}"
        );

        // Now Permit2 refuses it.
        let after = settle(&["call"]);
        assert!(
            !after.status.success() && support::stderr(&after).contains("0x756688fe"),
            "InvalidNonce(): {}",
            support::stderr(&after)
        );
        // Sent anyway (the gas limit set, so nothing estimates it first), it is mined and
        // reverts: the receipt wait and the check both say so.
        let sent = settle(&[
            "send",
            "--async",
            "--gas-limit",
            "300000",
            "--private-key",
            &key_hex(&key),
        ]);
        assert!(sent.status.success(), "{}", support::stderr(&sent));
        let reverted: B256 = support::stdout(&sent).trim().parse().unwrap();
        let c = block_on(confirm(&chain, &record, reverted, Duration::from_secs(10))).unwrap();
        assert!(
            matches!(c, Confirmation::Reverted { block } if block > 0),
            "{c:?}"
        );
        let named = Record {
            transaction: Some(reverted),
            ..record.clone()
        };
        let v = run_check(&rpc_url, &named).unwrap();
        assert!(
            matches!(
                &v,
                Verdict::Mismatch {
                    mismatch: Mismatch::Reverted { .. },
                    nonce_used: true,
                    ..
                }
            ),
            "{v}"
        );
        let v = run_check(&rpc_url, &record).unwrap();
        assert_eq!(
            v,
            Verdict::Cancelled {
                transaction: receipt.hash
            }
        );
        // Once spent, there is nothing to cancel.
        let r = refused(&key);
        assert!(matches!(r, CancelError::AlreadyUsed { .. }), "{r:?}");
    }

    /// An anvil of its own, with Permit2's runtime from the pinned npm package at its address:
    /// the time travel below must not expire the payments of tests on the shared chain.
    struct OwnAnvil {
        child: std::process::Child,
        url: String,
    }

    impl Drop for OwnAnvil {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn own_anvil() -> OwnAnvil {
        use std::io::BufRead;
        let mut child = Command::new(foundry_bin("anvil"))
            .args(["--host", "127.0.0.1", "--port", "0", "--chain-id", "84532"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("anvil printed its address").unwrap();
            if let Some(addr) = line.strip_prefix("Listening on ") {
                break format!("http://{}", addr.trim());
            }
        };
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let source = std::fs::read_to_string(support::root().join(
            "tests/localnet/node_modules/@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol",
        ))
        .unwrap();
        let start = source.find("hex\"").unwrap() + 4;
        let end = start + source[start..].find('"').unwrap();
        let anvil = OwnAnvil { child, url };
        anvil.rpc(
            "anvil_setCode",
            serde_json::json!([PERMIT2, format!("0x{}", &source[start..end])]),
        );
        anvil
    }

    impl OwnAnvil {
        fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
            let http = client();
            block_on(async {
                x402::rpc::Rpc::new(&http, &self.url)
                    .call(method, params)
                    .await
                    .unwrap()
            })
        }
    }

    #[test]
    fn an_unused_permit_is_open_until_the_chain_passes_its_deadline() {
        let anvil = own_anvil();
        let key = PrivateKeySigner::random();
        let now = unix_now();
        let terms = permit2::Terms {
            index: 0,
            kind: permit2::Kind::Upto {
                facilitator: Address::repeat_byte(0x44),
            },
            chain_id: 84532,
            token: Address::repeat_byte(0x11),
            amount: U256::from(2_000u64),
            pay_to: Address::repeat_byte(0x33),
            max_timeout_seconds: 600,
            token_domain: None,
        };
        let signed = permit2::authorize(&key, &terms, now).unwrap();
        let record = Record {
            chain_id: 84532,
            token: terms.token,
            payer: key.address(),
            pay_to: terms.pay_to,
            nonce: signed.authorization.nonce,
            deadline: signed.authorization.deadline,
            signed_at: now,
            scheme: Scheme::Upto,
            amount: terms.amount,
            transaction: None,
            // The server charged nothing: the permit is still a bearer instrument until its
            // deadline.
            charged: Some(U256::ZERO),
        };
        let v = run_check(&anvil.url, &record).unwrap();
        assert!(
            matches!(v, Verdict::Open { deadline, .. } if deadline == now + 600),
            "{v}"
        );
        assert!(v.still_open());
        // The chain's clock at the deadline: still open (Permit2 refuses only after it).
        anvil.rpc(
            "evm_setNextBlockTimestamp",
            serde_json::json!([record.deadline]),
        );
        anvil.rpc("evm_mine", serde_json::json!([]));
        let v = run_check(&anvil.url, &record).unwrap();
        assert!(
            matches!(v, Verdict::Open { chain_time, .. } if chain_time == record.deadline),
            "{v}"
        );
        anvil.rpc("evm_increaseTime", serde_json::json!([1]));
        anvil.rpc("evm_mine", serde_json::json!([]));
        let v = run_check(&anvil.url, &record).unwrap();
        assert!(
            matches!(v, Verdict::Expired { chain_time, .. } if chain_time > record.deadline),
            "{v}"
        );
        assert!(!v.still_open());
        // Nothing to cancel any more: refused before anything is sent.
        let http = client();
        let r = block_on(cancel(
            &Chain::new(&http, &anvil.url, 84532),
            &key,
            &record,
            Duration::from_secs(5),
            |_| panic!("nothing may be sent"),
        ));
        assert!(matches!(r, Err(CancelError::Expired { .. })), "{r:?}");
    }

    #[test]
    fn a_failing_or_wrong_node_is_an_error_never_a_verdict() {
        let net = localnet::get();
        let record = Record {
            chain_id: 84532,
            token: Address::repeat_byte(0x11),
            payer: Address::repeat_byte(0x22),
            pay_to: Address::repeat_byte(0x33),
            nonce: U256::from(7u8),
            deadline: 0,
            signed_at: 0,
            scheme: Scheme::Exact,
            amount: U256::from(1u8),
            transaction: None,
            charged: None,
        };
        // Nobody listening.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        let e = run_check(&closed, &record).unwrap_err();
        assert!(matches!(e, CheckError::Rpc(_)), "{e}");
        let http = client();
        let chain = Chain::new(&http, &closed, 84532);
        let e = block_on(confirm(
            &chain,
            &record,
            B256::ZERO,
            Duration::from_millis(200),
        ))
        .unwrap_err();
        assert!(matches!(e, CheckError::Rpc(_)), "{e}");
        // A node of another chain: its nonce bitmap says nothing of this one.
        let e = run_check(&net.rpc("devchain"), &record).unwrap_err();
        assert!(
            matches!(
                e,
                CheckError::WrongChain {
                    expected: 84532,
                    actual: 31337,
                    ..
                }
            ),
            "{e}"
        );
        // A chain without Permit2 (the devchain has none): no answer is read as "unused".
        let devchain = Record {
            chain_id: 31337,
            ..record.clone()
        };
        let e = run_check(&net.rpc("devchain"), &devchain).unwrap_err();
        assert!(e.to_string().contains("nonceBitmap"), "{e}");
    }
}
