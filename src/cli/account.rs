//! Which account signs, and how its password is given (`wallet`, `get`, `mcp`, `history cancel`).

use clap::Args;
use std::path::PathBuf;

/// How the password of a keystore is given.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the keystore password from the first line of this file instead of prompting
    /// (Foundry's ETH_PASSWORD, a file path, is honoured too)
    #[arg(
        long,
        value_name = "PATH",
        env = "X402_PASSWORD_FILE",
        hide_env_values = true,
        help_heading = "Account"
    )]
    pub password_file: Option<PathBuf>,
}

/// Which account signs.
#[derive(Debug, Args, Clone)]
pub struct AccountArgs {
    // X402_ACCOUNT and X402_KEYSTORE are read in settings, not by clap: clap would count an
    // environment value as given, so `--keystore F` with X402_ACCOUNT set would be a conflict
    // instead of the flag winning.
    /// Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores
    /// [env: X402_ACCOUNT]
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "keystore",
        help_heading = "Account"
    )]
    pub account: Option<String>,
    /// Use this v3 keystore file [env: X402_KEYSTORE]
    #[arg(long, value_name = "PATH", help_heading = "Account")]
    pub keystore: Option<PathBuf>,
}
