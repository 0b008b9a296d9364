//! Everything resolved once before a command runs: the tool's home and files, config.toml, the
//! network table, and how to find an account and its password.
//!
//! Precedence: command-line flag > `X402_*` environment variable > config.toml > default.

use crate::amount::UserAmount;
use crate::cli::{AccountArgs, GetArgs, InspectArgs, LimitArgs, PasswordArgs};
use crate::config::Config;
use crate::exit::UsageError;
use crate::keystore::{self, Keystore, Origin};
use crate::network::{Family, Networks};
use crate::output::Printer;
use crate::payment::engine::PaySettings;
use crate::payment::policy::DEFAULT_MAX_AMOUNT;
use crate::payment::terms::{Pins, Terms};
use crate::request::{RedirectPolicy, RequestSpec};
use crate::secret::SecretString;
use anyhow::{Context as _, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Environment variables the tool reads, in one place. (Those bound to a flag are also named on
/// the flag in src/cli/, where clap reads them.)
pub mod env_vars {
    /// The tool's home: keystores/, config.toml, the payment journal.
    pub const X402_HOME: &str = "X402_HOME";
    /// Foundry's password variable: it holds a file PATH, not the password.
    pub const ETH_PASSWORD: &str = "ETH_PASSWORD";
    /// The account name when neither `--account` nor `--keystore` is given.
    pub const X402_ACCOUNT: &str = "X402_ACCOUNT";
    /// The keystore file when neither `--account` nor `--keystore` is given.
    pub const X402_KEYSTORE: &str = "X402_KEYSTORE";
}

#[derive(Clone, Debug)]
pub struct Paths {
    /// `X402_HOME`: keystores/, config.toml, journal.jsonl.
    pub home: PathBuf,
    pub config: PathBuf,
    pub keystores: PathBuf,
    pub foundry_keystores: Option<PathBuf>,
}

impl Paths {
    pub fn resolve(config_flag: Option<&Path>) -> Result<Paths> {
        use etcetera::BaseStrategy;
        let home = match std::env::var_os(env_vars::X402_HOME).filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h),
            None => etcetera::choose_base_strategy()
                .context("cannot find the home directory; set X402_HOME")?
                .config_dir()
                .join("x402"),
        };
        let foundry_keystores = etcetera::home_dir()
            .ok()
            .filter(|h| !h.as_os_str().is_empty())
            .map(|h| h.join(".foundry").join("keystores"));
        Ok(Paths {
            config: config_flag.map_or_else(|| home.join("config.toml"), Path::to_path_buf),
            keystores: home.join("keystores"),
            foundry_keystores,
            home,
        })
    }

    /// The files an output flag must never overwrite: the journal, config.toml and every file
    /// in the keystore directories (and `X402_KEYSTORE`'s).
    pub fn protected_files(&self) -> Vec<PathBuf> {
        let mut files = vec![
            crate::journal::Journal::new(&self.home)
                .path()
                .to_path_buf(),
            self.config.clone(),
        ];
        for (dir, _) in self.account_dirs() {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                files.extend(entries.flatten().map(|e| e.path()));
            }
        }
        if let Some(k) = std::env::var_os(env_vars::X402_KEYSTORE).filter(|v| !v.is_empty()) {
            files.push(PathBuf::from(k));
        }
        files
    }

    /// Where `--account NAME` looks, in order.
    pub fn account_dirs(&self) -> Vec<(PathBuf, Origin)> {
        let mut dirs = vec![(self.keystores.clone(), Origin::X402)];
        if let Some(f) = &self.foundry_keystores {
            dirs.push((f.clone(), Origin::Foundry));
        }
        dirs
    }
}

pub struct Context<'p> {
    pub printer: &'p Printer,
    pub paths: Paths,
    pub config: Config,
    pub networks: Networks,
}

impl<'p> Context<'p> {
    pub fn load(printer: &'p Printer, config_flag: Option<&Path>) -> Result<Self> {
        let paths = Paths::resolve(config_flag)?;
        let mut networks = Networks::built_in();
        let config = Config::load(&paths.config, &mut networks)?;
        if config_flag.is_some() && config.path.is_none() {
            return Err(UsageError(format!("{}: no such file", paths.config.display())).into());
        }
        // Whoever can write the home can replace config.toml (and raise the caps), the journal
        // or a keystore: said before anything else, on every command.
        if let Some(why) = std::fs::metadata(&paths.home)
            .ok()
            .and_then(|m| crate::fsutil::writable_by_others(&m))
        {
            printer.warn(format!(
                "OTHER USERS CAN CHANGE {} ({why}): they can replace config.toml and raise the \
                 spending caps, or rewrite the payment journal; run: chmod 700 {}",
                paths.home.display(),
                paths.home.display()
            ));
        }
        Ok(Self {
            printer,
            paths,
            config,
            networks,
        })
    }

    /// The account a command acts for: `NAME` or `--account`, then `--keystore`, then
    /// `X402_ACCOUNT` or `X402_KEYSTORE` (not both), then the default account from config.toml.
    /// A flag always beats the environment.
    pub fn account(&self, name: Option<&str>, args: &AccountArgs) -> Result<Keystore> {
        self.account_of(name, args, Family::Evm)
    }

    /// [`Context::account`], falling back to the default account of `family`
    /// (`default_account`, or `default_solana_account` for Solana).
    pub fn account_of(
        &self,
        name: Option<&str>,
        args: &AccountArgs,
        family: Family,
    ) -> Result<Keystore> {
        if let Some(name) = name.or(args.account.as_deref()) {
            return Ok(keystore::find(name, &self.paths.account_dirs())?);
        }
        if let Some(path) = &args.keystore {
            return keystore_file(path);
        }
        if let Some(ks) = self.env_account()? {
            return Ok(ks);
        }
        self.default_account(family)?
            .ok_or_else(|| NoAccount(family).into())
    }

    /// The account the environment names, `X402_ACCOUNT` or `X402_KEYSTORE` (not both), when
    /// no flag does.
    pub fn env_account(&self) -> Result<Option<Keystore>> {
        let env = |key| std::env::var_os(key).filter(|v| !v.is_empty());
        match (env(env_vars::X402_ACCOUNT), env(env_vars::X402_KEYSTORE)) {
            (Some(_), Some(_)) => Err(UsageError(format!(
                "{} and {} are both set; unset one, or choose with --account or --keystore",
                env_vars::X402_ACCOUNT,
                env_vars::X402_KEYSTORE
            ))
            .into()),
            (Some(name), None) => Ok(Some(keystore::find(
                &name.to_string_lossy(),
                &self.paths.account_dirs(),
            )?)),
            (None, Some(path)) => keystore_file(Path::new(&path)).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The default account of `family` in config.toml (`default_account`, or
    /// `default_solana_account`), when one is set.
    pub fn default_account(&self, family: Family) -> Result<Option<Keystore>> {
        let default = match family {
            Family::Evm => &self.config.default_account,
            Family::Solana => &self.config.default_solana_account,
        };
        match default {
            Some(name) => Ok(Some(keystore::find(name, &self.paths.account_dirs())?)),
            None => Ok(None),
        }
    }

    /// The password for an existing keystore: `--password-file`, then `ETH_PASSWORD` (a path),
    /// then a hidden prompt on the terminal.
    pub fn password(&self, args: &PasswordArgs, prompt: &str) -> Result<SecretString> {
        if let Some(path) = self.password_file(args) {
            self.warn_if_readable(&path);
            return read_password_file(&path);
        }
        prompt_hidden(prompt)
    }

    /// A new keystore's password: from the file, or typed twice at a hidden prompt.
    /// An empty password is warned about; typed at a terminal, it must also be confirmed.
    pub fn new_password(&self, args: &PasswordArgs) -> Result<SecretString> {
        const EMPTY: &str = "the password is empty: anyone who can read the keystore file can use \
                             the key";
        if let Some(path) = self.password_file(args) {
            self.warn_if_readable(&path);
            let password = read_password_file(&path)?;
            if password.is_empty() {
                self.printer.warn(format!(
                    "{EMPTY} ({} has an empty first line)",
                    path.display()
                ));
            }
            return Ok(password);
        }
        let first = prompt_hidden("New keystore password: ")?;
        let second = prompt_hidden("Repeat the password: ")?;
        if first.expose() != second.expose() {
            return Err(UsageError("the two passwords differ".into()).into());
        }
        if first.is_empty() {
            self.printer.warn(EMPTY);
            let keep = self.printer.ask_yes_no("Keep the empty password?");
            if !keep {
                return Err(UsageError(
                    "no keystore written: the empty password was not confirmed".into(),
                )
                .into());
            }
        }
        Ok(first)
    }

    /// Unlocks a keystore for signing: at most three password tries at a terminal prompt, one
    /// from a file. A keystore other users can read gets a warning first.
    pub fn unlock(
        &self,
        ks: &Keystore,
        args: &PasswordArgs,
    ) -> Result<alloy_signer_local::PrivateKeySigner> {
        self.unlock_with(ks, args, |password| keystore::unlock(&ks.path, password))
    }

    /// [`Context::unlock`] for a Solana account.
    pub fn unlock_solana(&self, ks: &Keystore, args: &PasswordArgs) -> Result<crate::svm::Keypair> {
        self.unlock_with(ks, args, |password| crate::svm::keys::unlock(ks, password))
    }

    fn unlock_with<T>(
        &self,
        ks: &Keystore,
        args: &PasswordArgs,
        open: impl Fn(&SecretString) -> Result<T, keystore::Error>,
    ) -> Result<T> {
        if ks.loose_permissions {
            self.printer.warn(format!(
                "{} can be read by other users; run: chmod 600 {}",
                ks.path.display(),
                ks.path.display()
            ));
        }
        let tries = if self.password_file(args).is_some() {
            1
        } else {
            3
        };
        let prompt = format!("Password for '{}': ", ks.name);
        let mut attempt = 1;
        loop {
            let password = self.password(args, &prompt)?;
            match open(&password) {
                Err(keystore::Error::WrongPassword(_)) if attempt < tries => {
                    self.printer.warn("wrong password, try again");
                    attempt += 1;
                }
                other => return Ok(other?),
            }
        }
    }

    /// A password file other users can read is warned about, as a keystore is.
    fn warn_if_readable(&self, path: &Path) {
        if std::fs::metadata(path).is_ok_and(|m| crate::fsutil::readable_by_others(&m)) {
            self.printer.warn(format!(
                "the password file {} can be read by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }

    /// Refuses `path` as an output (`-o`, `--receipt`) when it is, by identity, the journal,
    /// config.toml or a keystore: writing there would destroy it.
    /// `keystore` is a `--keystore` file also to protect.
    pub fn refuse_overwrite(&self, path: &Path, flag: &str, keystore: Option<&Path>) -> Result<()> {
        let mut protected = self.paths.protected_files();
        protected.extend(keystore.map(Path::to_path_buf));
        match crate::fsutil::same_file_as(path, &protected) {
            None => Ok(()),
            Some(file) => Err(UsageError(format!(
                "{flag} {}: that is {}; refusing to overwrite it",
                path.display(),
                file.display()
            ))
            .into()),
        }
    }

    pub fn password_file(&self, args: &PasswordArgs) -> Option<PathBuf> {
        args.password_file.clone().or_else(|| {
            std::env::var_os(env_vars::ETH_PASSWORD)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}

/// A keystore file named by path (`--keystore`, `X402_KEYSTORE`), labelled by its file name.
pub fn keystore_file(path: &Path) -> Result<Keystore> {
    let label = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into());
    Ok(keystore::read(path, &label, Origin::File)?)
}

// Defined with the keystores, below the error classifier, which gives it its exit status.
pub use crate::keystore::NoAccount;

/// First line of the file, newline trimmed (as Foundry's `--password-file`).
pub fn read_password_file(path: &Path) -> Result<SecretString> {
    let mut text = zeroize::Zeroizing::new(String::new());
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
        .map_err(|e| UsageError(format!("cannot read password file {}: {e}", path.display())))?;
    let line = text.lines().next().unwrap_or("");
    Ok(SecretString::new(line.to_string()))
}

/// A hidden prompt on the controlling terminal (rpassword reads and writes /dev/tty, never
/// stdout). Without a terminal this is a usage error naming the alternative.
pub fn prompt_hidden(prompt: &str) -> Result<SecretString> {
    rpassword::prompt_password(prompt)
        .map(SecretString::new)
        .map_err(|_| {
            UsageError("no terminal to ask for a password; use --password-file PATH".into()).into()
        })
}

// Defined with the engine, which reads them; resolved here.
pub use crate::payment::engine::settings::{Limit, Source};

/// A limit from its flag (or the environment variable clap binds to it), else its `[limits]`
/// key in config.toml: the precedence of every spending limit, written once.
pub fn pick_limit(
    flag: Option<UserAmount>,
    flag_name: &'static str,
    config: Option<&UserAmount>,
    key: &'static str,
) -> Option<Limit> {
    match (flag, config) {
        (Some(amount), _) => Some(Limit {
            amount,
            source: Source::Flag(flag_name),
        }),
        (None, Some(amount)) => Some(Limit {
            amount: amount.clone(),
            source: Source::Config(key),
        }),
        (None, None) => None,
    }
}

/// The per-payment cap `get`, `inspect` and `mcp` apply: `--max-amount` (or `X402_MAX_AMOUNT`),
/// else `[limits] per_payment`, else [`DEFAULT_MAX_AMOUNT`].
pub fn per_payment_cap(flag: Option<UserAmount>, config: &crate::config::Limits) -> Limit {
    pick_limit(
        flag,
        "--max-amount",
        config.per_payment.as_ref(),
        "per_payment",
    )
    .unwrap_or_else(|| Limit {
        amount: DEFAULT_MAX_AMOUNT
            .parse()
            .expect("the built-in default is an amount"),
        source: Source::Default,
    })
}

/// The per-payment cap and the daily budget of a command that pays (`get`, `mcp`): its limit
/// flags (or the environment variables clap binds to them) over config.toml's `[limits]`.
pub fn spending_limits(args: &LimitArgs, config: &crate::config::Limits) -> (Limit, Option<Limit>) {
    let cap = per_payment_cap(args.max_amount.clone(), config);
    let daily = pick_limit(
        args.daily_limit.clone(),
        "--daily-limit",
        config.daily.as_ref(),
        "daily",
    );
    (cap, daily)
}

/// `x402 get`'s settings, resolved once from its flags, the environment and config.toml.
#[derive(Clone, Debug)]
pub struct GetSettings {
    /// The request (its timeouts too).
    pub request: RequestSpec,
    /// What the payment engine is told.
    pub payment: PaySettings,
    /// `-L` and `--max-redirs`.
    pub redirects: RedirectPolicy,
}

impl GetSettings {
    /// Every value checked before the first byte is sent: the request (URL, body, headers,
    /// method), the networks, then the terms file.
    pub fn resolve(ctx: &Context<'_>, args: &GetArgs) -> Result<Self> {
        let request = args.request.spec()?;
        let preferred = preferred_networks(ctx, &args.networks)?;
        let pins = pins(args)?;
        let (cap, daily) = spending_limits(&args.limits, &ctx.config.limits);
        Ok(GetSettings {
            request,
            payment: PaySettings {
                cap,
                daily,
                preferred,
                only_preferred: !args.networks.is_empty(),
                pins,
                yes: args.yes,
                dry_run: args.dry_run,
                retry: args.retry,
                user_agent: args.request.user_agent.clone(),
            },
            redirects: args.redirects.into(),
        })
    }
}

/// `x402 inspect`'s settings: the request, the cap it judges against and the networks it
/// prefers, as `get` would resolve them. The MCP `inspect` tool builds one from its call.
#[derive(Clone, Debug)]
pub struct InspectSettings {
    pub request: RequestSpec,
    pub cap: Limit,
    pub preferred: Vec<String>,
    /// Only the preferred networks are paid (`--network` given).
    pub only_preferred: bool,
    pub redirects: RedirectPolicy,
    /// The families the payer has an account of, when the caller knows them (`x402 mcp`: the
    /// accounts it unlocked); `None`: those `get` would find by default.
    pub families: Option<Vec<Family>>,
}

impl InspectSettings {
    /// The request first (as `get` checks it), then the networks.
    pub fn resolve(ctx: &Context<'_>, args: &InspectArgs) -> Result<Self> {
        Ok(InspectSettings {
            request: args.request.spec()?,
            cap: per_payment_cap(args.max_amount.clone(), &ctx.config.limits),
            preferred: preferred_networks(ctx, &args.networks)?,
            only_preferred: !args.networks.is_empty(),
            redirects: args.redirects.into(),
            families: None,
        })
    }
}

/// `--network` (repeatable) resolved to network names, else `[payment] networks`.
pub fn preferred_networks(
    ctx: &Context<'_>,
    given: &[crate::network::NetworkQuery],
) -> Result<Vec<String>> {
    if given.is_empty() {
        return Ok(ctx.config.preferred_networks.clone());
    }
    given
        .iter()
        .map(|n| {
            ctx.networks
                .find_chain(n.as_str())
                .map(|net| net.name().to_string())
                .ok_or_else(|| crate::error::UnknownNetwork(n.to_string()).into())
        })
        .collect()
}

/// The pinned terms: `--terms FILE`, `--expect-amount`, `--expect-pay-to`.
fn pins(args: &GetArgs) -> Result<Pins> {
    let terms =
        match &args.terms {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    UsageError(format!("cannot read the terms {}: {e}", path.display()))
                })?;
                Some(Terms::parse(&text).map_err(|e| {
                    UsageError(format!("{}: not a terms file: {e}", path.display()))
                })?)
            }
        };
    Ok(Pins {
        terms,
        amount: args.expect_amount.clone(),
        pay_to: args.expect_pay_to.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_the_flag_else_config_else_the_default() {
        let amount = |s: &str| -> UserAmount { s.parse().unwrap() };
        let mut config = crate::config::Limits::default();
        let cap = per_payment_cap(None, &config);
        assert_eq!(
            (cap.amount, cap.source),
            (amount(DEFAULT_MAX_AMOUNT), Source::Default)
        );
        config.per_payment = Some(amount("0.5"));
        let cap = per_payment_cap(None, &config);
        assert_eq!(cap.source.describe(), "[limits] per_payment in config.toml");
        assert_eq!(cap.amount, amount("0.5"));
        let cap = per_payment_cap(Some(amount("2")), &config);
        assert_eq!(
            (cap.amount, cap.source),
            (amount("2"), Source::Flag("--max-amount"))
        );
    }
}
