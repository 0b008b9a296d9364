# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_x402_global_optspecs
    string join \n color= q/quiet v/verbose config= h/help V/version
end

function __fish_x402_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_x402_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_x402_using_subcommand
    set -l cmd (__fish_x402_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c x402 -n "__fish_x402_needs_command" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_needs_command" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_needs_command" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_needs_command" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_needs_command" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_needs_command" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_needs_command" -f -a "get" -d 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr'
complete -c x402 -n "__fish_x402_needs_command" -f -a "inspect" -d 'Show a URL\'s 402 payment terms without paying'
complete -c x402 -n "__fish_x402_needs_command" -f -a "wallet" -d 'Manage encrypted keystores and check balances'
complete -c x402 -n "__fish_x402_needs_command" -f -a "history" -d 'The payments made, from the journal, with totals; `check` verifies them on-chain'
complete -c x402 -n "__fish_x402_needs_command" -f -a "networks" -d 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer'
complete -c x402 -n "__fish_x402_needs_command" -f -a "mcp" -d 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits'
complete -c x402 -n "__fish_x402_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c x402 -n "__fish_x402_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand get" -s X -l request -d 'HTTP method [default: GET, or POST with a body]' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -s H -l header -d 'Extra header, "Name: value" (repeatable)' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -s d -l data -d 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l data-binary -d 'Request body sent exactly as given; @FILE / @- read a file or stdin' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -s A -l user-agent -d 'User-Agent [default: x402/VERSION]' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -s m -l max-time -d 'Maximum time for the whole operation, in seconds' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l connect-timeout -d 'Maximum time to connect, in seconds' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l json -d 'JSON request body (sets Content-Type and Accept to application/json); @FILE, @-' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l max-redirs -d 'Most redirects to follow with -L' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l receipt -d 'Write the payment outcome as one JSON document to FILE' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -l max-amount -d 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l daily-limit -d 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l network -d 'Pay only on these networks, in order of preference (repeatable; `x402 networks` lists them)' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l expect-amount -d 'Pay only if the server asks exactly this amount (token units)' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l expect-pay-to -d 'Pay only this payee (a 0x address, or a base58 one on Solana)' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l terms -d 'Pay only the terms saved by `x402 inspect --save-terms FILE`' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -l retry -d 'On a network error after paying, resend the SAME signed payment up to N times while it is valid (it can settle at most once)' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand get" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -s o -l output -d 'Write the body to FILE instead of stdout' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand get" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand get" -s I -l head -d 'Send a HEAD request and show the headers'
complete -c x402 -n "__fish_x402_using_subcommand get" -s k -l insecure -d 'Do not verify the server\'s TLS certificate'
complete -c x402 -n "__fish_x402_using_subcommand get" -s L -l location -d 'Follow redirects (a payment header never goes to another origin)'
complete -c x402 -n "__fish_x402_using_subcommand get" -s y -l yes -d 'Pay without asking (needed off a terminal)'
complete -c x402 -n "__fish_x402_using_subcommand get" -l dry-run -d 'Show the quote and stop: sign nothing, pay nothing'
complete -c x402 -n "__fish_x402_using_subcommand get" -s i -l include -d 'Include the response status line and headers in the output'
complete -c x402 -n "__fish_x402_using_subcommand get" -s s -l silent -d 'Silent: no conversation on stderr (errors too, unless -S)'
complete -c x402 -n "__fish_x402_using_subcommand get" -s S -l show-error -d 'With -s, still show errors'
complete -c x402 -n "__fish_x402_using_subcommand get" -s f -l fail -d 'Exit 22 without the body on HTTP status >= 400'
complete -c x402 -n "__fish_x402_using_subcommand get" -l fail-with-body -d 'Exit 22 on HTTP status >= 400, keeping the body'
complete -c x402 -n "__fish_x402_using_subcommand get" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand get" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand get" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand get" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s X -l request -d 'HTTP method [default: GET, or POST with a body]' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s H -l header -d 'Extra header, "Name: value" (repeatable)' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s d -l data -d 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l data-binary -d 'Request body sent exactly as given; @FILE / @- read a file or stdin' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s A -l user-agent -d 'User-Agent [default: x402/VERSION]' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s m -l max-time -d 'Maximum time for the whole operation, in seconds' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l connect-timeout -d 'Maximum time to connect, in seconds' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l max-redirs -d 'Most redirects to follow with -L' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l network -d 'Networks to prefer, in order, when marking the option `get` would choose (repeatable; `x402 networks` lists them)' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l max-amount -d 'The per-payment cap to judge against, as `get --max-amount`: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]' -r
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l save-terms -d 'Save the option `get` would pay to FILE, for `x402 get --terms FILE`' -r -F
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s I -l head -d 'Send a HEAD request and show the headers'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s k -l insecure -d 'Do not verify the server\'s TLS certificate'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s L -l location -d 'Follow redirects (a payment header never goes to another origin)'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l json -d 'Print the terms as one JSON document'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -l force -d 'Replace an existing --save-terms file'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "new" -d 'Create a new account from the OS random source'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "import" -d 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "list" -d 'List accounts (this tool\'s and Foundry\'s); no password needed'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "ls" -d 'List accounts (this tool\'s and Foundry\'s); no password needed'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "address" -d 'Print an account\'s address'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "addr" -d 'Print an account\'s address'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "balance" -d 'USDC and gas balances over JSON-RPC'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "bal" -d 'USDC and gas balances over JSON-RPC'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "approve" -d 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and not __fish_seen_subcommand_from new import list ls address addr balance bal approve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l solana -d 'A Solana (ed25519) account instead of an EVM one'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l force -d 'Replace an existing account of the same name'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -l json -d 'Print name, address and path as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l mnemonic-index -d 'Account index for --mnemonic' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l keystore-file -d 'Import an existing v3 keystore file (it is decrypted first to check it)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l keypair-file -d 'Import a Solana CLI keypair file (implies --solana; stored encrypted, the file is left as it is)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l mnemonic -d 'The secret is a BIP-39 mnemonic phrase (path m/44\'/60\'/0\'/0/INDEX, or m/44\'/501\'/INDEX\'/0\' with --solana)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l solana -d 'A Solana account: the secret is a base58 secret key (as Phantom and Solflare export it) or the Solana CLI\'s JSON array of 64 numbers'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l force -d 'Replace an existing account of the same name'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -l json -d 'Print name, address and path as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -l json -d 'Print the accounts as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -l json -d 'Print the accounts as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -l json -d 'Print name and address as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from address" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -l json -d 'Print name and address as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from addr" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l network -d 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l rpc-url -d 'JSON-RPC endpoint (with one network)' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l timeout -d 'Seconds to wait for each network' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l address -d 'Any address instead of an account' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l all -d 'Every known network with an RPC URL'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -l json -d 'Print balances as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from balance" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l network -d 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l rpc-url -d 'JSON-RPC endpoint (with one network)' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l timeout -d 'Seconds to wait for each network' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l address -d 'Any address instead of an account' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l all -d 'Every known network with an RPC URL'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -l json -d 'Print balances as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from bal" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l network -d 'Network by name or CAIP-2 id (`x402 networks` lists them)' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l rpc-url -d 'JSON-RPC endpoint [default: the network\'s]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l timeout -d 'Seconds to wait for the transaction to be mined' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l asset -d 'The token: its address, or its symbol in the network table (USDC)' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l amount -d 'Allow this much, in token units (25.00, 0.5usdc)' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l spender -d 'Who may move the token: permit2 is Uniswap\'s canonical Permit2 (0x000000000022D473030F116dDEE9F6B43aC78BA3), which x402 Permit2 and upto payments use' -r -f -a "permit2\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l unlimited -d 'Allow any amount (2^256-1), as the official x402 clients\' approval does'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l revoke -d 'Set the allowance back to 0'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -s y -l yes -d 'Send without asking (needed off a terminal)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -l json -d 'Print the outcome as JSON'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from approve" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "new" -d 'Create a new account from the OS random source'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "list" -d 'List accounts (this tool\'s and Foundry\'s); no password needed'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "address" -d 'Print an account\'s address'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "balance" -d 'USDC and gas balances over JSON-RPC'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
complete -c x402 -n "__fish_x402_using_subcommand wallet; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l since -d 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l status -d 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed' -r -f -a "pending\t'Signed and (about to be) sent; no answer yet'
settled\t'The server reported a settlement (or the chain shows the authorization used)'
rejected\t'The server or its facilitator refused it after the header was sent. The server\'s word proves nothing: whoever holds the signature can still use it until `validBefore`, so it counts as money that may move until `history check` shows it expired (or used)'
unknown\t'Sent, but whether it settled is not known (timeout, reset, 5xx without a receipt)'
unsent\t'Signed but never delivered (the connection failed before the request was sent)'
expired\t'Never used on-chain and past its `validBefore`: it can no longer move money'
disputed\t'The chain disagrees with the record (`history check`)'
cancelled\t'Cancelled on-chain with `cancelAuthorization` (`history cancel`): it can never move money'"
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l json -d 'Print as one JSON document'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -l wide -d 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -f -a "check" -d 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2\'s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -f -a "cancel" -d 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
complete -c x402 -n "__fish_x402_using_subcommand history; and not __fish_seen_subcommand_from check cancel help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l timeout -d 'Seconds to wait for each RPC call' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l since -d 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l status -d 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed' -r -f -a "pending\t'Signed and (about to be) sent; no answer yet'
settled\t'The server reported a settlement (or the chain shows the authorization used)'
rejected\t'The server or its facilitator refused it after the header was sent. The server\'s word proves nothing: whoever holds the signature can still use it until `validBefore`, so it counts as money that may move until `history check` shows it expired (or used)'
unknown\t'Sent, but whether it settled is not known (timeout, reset, 5xx without a receipt)'
unsent\t'Signed but never delivered (the connection failed before the request was sent)'
expired\t'Never used on-chain and past its `validBefore`: it can no longer move money'
disputed\t'The chain disagrees with the record (`history check`)'
cancelled\t'Cancelled on-chain with `cancelAuthorization` (`history cancel`): it can never move money'"
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l json -d 'Print as one JSON document'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -l wide -d 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l timeout -d 'Seconds to wait for each RPC call, and for the transaction to be mined' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l account -d 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l keystore -d 'Use this v3 keystore file [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l since -d 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d' -r
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l status -d 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed' -r -f -a "pending\t'Signed and (about to be) sent; no answer yet'
settled\t'The server reported a settlement (or the chain shows the authorization used)'
rejected\t'The server or its facilitator refused it after the header was sent. The server\'s word proves nothing: whoever holds the signature can still use it until `validBefore`, so it counts as money that may move until `history check` shows it expired (or used)'
unknown\t'Sent, but whether it settled is not known (timeout, reset, 5xx without a receipt)'
unsent\t'Signed but never delivered (the connection failed before the request was sent)'
expired\t'Never used on-chain and past its `validBefore`: it can no longer move money'
disputed\t'The chain disagrees with the record (`history check`)'
cancelled\t'Cancelled on-chain with `cancelAuthorization` (`history cancel`): it can never move money'"
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -s y -l yes -d 'Send without asking (for scripts)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l json -d 'Print as one JSON document'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -l wide -d 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "check" -d 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2\'s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
complete -c x402 -n "__fish_x402_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand networks" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand networks" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand networks" -l json -d 'Print the networks as one JSON document'
complete -c x402 -n "__fish_x402_using_subcommand networks" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand networks" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand networks" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand networks" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l max-amount -d 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]' -r
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l daily-limit -d 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]' -r
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l session-budget -d 'Most this server process pays per asset, all payments together [default: [limits] session, else 1.00]' -r
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l account -d 'Account to pay from, looked up in $X402_HOME/keystores, then ~/.foundry/keystores; at most one per family, an EVM one and a Solana one [env: X402_ACCOUNT] [default: default_account and default_solana_account]' -r
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l keystore -d 'Pay from this v3 keystore file, for its family [env: X402_KEYSTORE]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l password-file -d 'Read the keystore password from the first line of this file instead of prompting (Foundry\'s ETH_PASSWORD, a file path, is honoured too)' -r -F
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand mcp" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand mcp" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand mcp" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand mcp" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand completions" -l color -d 'When to use colour on stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c x402 -n "__fish_x402_using_subcommand completions" -l config -d 'Settings file [default: $X402_HOME/config.toml]' -r -F
complete -c x402 -n "__fish_x402_using_subcommand completions" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c x402 -n "__fish_x402_using_subcommand completions" -s v -l verbose -d 'Say more on stderr, curl\'s -v trace for requests (never changes stdout)'
complete -c x402 -n "__fish_x402_using_subcommand completions" -s h -l help -d 'Print help'
complete -c x402 -n "__fish_x402_using_subcommand completions" -s V -l version -d 'Print version'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "get" -d 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "inspect" -d 'Show a URL\'s 402 payment terms without paying'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "wallet" -d 'Manage encrypted keystores and check balances'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "history" -d 'The payments made, from the journal, with totals; `check` verifies them on-chain'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "networks" -d 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "mcp" -d 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c x402 -n "__fish_x402_using_subcommand help; and not __fish_seen_subcommand_from get inspect wallet history networks mcp completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "new" -d 'Create a new account from the OS random source'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "import" -d 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "list" -d 'List accounts (this tool\'s and Foundry\'s); no password needed'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "address" -d 'Print an account\'s address'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "balance" -d 'USDC and gas balances over JSON-RPC'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from wallet" -f -a "approve" -d 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "check" -d 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2\'s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
complete -c x402 -n "__fish_x402_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "cancel" -d 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
