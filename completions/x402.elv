
use builtin;
use str;

set edit:completion:arg-completer[x402] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'x402'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'x402'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr'
            cand inspect 'Show a URL''s 402 payment terms without paying'
            cand wallet 'Manage encrypted keystores and check balances'
            cand history 'The payments made, from the journal, with totals; `check` verifies them on-chain'
            cand networks 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer'
            cand mcp 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;get'= {
            cand -X 'HTTP method [default: GET, or POST with a body]'
            cand --request 'HTTP method [default: GET, or POST with a body]'
            cand -H 'Extra header, "Name: value" (repeatable)'
            cand --header 'Extra header, "Name: value" (repeatable)'
            cand -d 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin'
            cand --data 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin'
            cand --data-binary 'Request body sent exactly as given; @FILE / @- read a file or stdin'
            cand -A 'User-Agent [default: x402/VERSION]'
            cand --user-agent 'User-Agent [default: x402/VERSION]'
            cand -m 'Maximum time for the whole operation, in seconds'
            cand --max-time 'Maximum time for the whole operation, in seconds'
            cand --connect-timeout 'Maximum time to connect, in seconds'
            cand --json 'JSON request body (sets Content-Type and Accept to application/json); @FILE, @-'
            cand --max-redirs 'Most redirects to follow with -L'
            cand --receipt 'Write the payment outcome as one JSON document to FILE'
            cand --max-amount 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]'
            cand --daily-limit 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]'
            cand --network 'Pay only on these networks, in order of preference (repeatable; `x402 networks` lists them)'
            cand --expect-amount 'Pay only if the server asks exactly this amount (token units)'
            cand --expect-pay-to 'Pay only this payee (a 0x address, or a base58 one on Solana)'
            cand --terms 'Pay only the terms saved by `x402 inspect --save-terms FILE`'
            cand --retry 'On a network error after paying, resend the SAME signed payment up to N times while it is valid (it can settle at most once)'
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand -o 'Write the body to FILE instead of stdout'
            cand --output 'Write the body to FILE instead of stdout'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -I 'Send a HEAD request and show the headers'
            cand --head 'Send a HEAD request and show the headers'
            cand -k 'Do not verify the server''s TLS certificate'
            cand --insecure 'Do not verify the server''s TLS certificate'
            cand -L 'Follow redirects (a payment header never goes to another origin)'
            cand --location 'Follow redirects (a payment header never goes to another origin)'
            cand -y 'Pay without asking (needed off a terminal)'
            cand --yes 'Pay without asking (needed off a terminal)'
            cand --dry-run 'Show the quote and stop: sign nothing, pay nothing'
            cand -i 'Include the response status line and headers in the output'
            cand --include 'Include the response status line and headers in the output'
            cand -s 'Silent: no conversation on stderr (errors too, unless -S)'
            cand --silent 'Silent: no conversation on stderr (errors too, unless -S)'
            cand -S 'With -s, still show errors'
            cand --show-error 'With -s, still show errors'
            cand -f 'Exit 22 without the body on HTTP status >= 400'
            cand --fail 'Exit 22 without the body on HTTP status >= 400'
            cand --fail-with-body 'Exit 22 on HTTP status >= 400, keeping the body'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;inspect'= {
            cand -X 'HTTP method [default: GET, or POST with a body]'
            cand --request 'HTTP method [default: GET, or POST with a body]'
            cand -H 'Extra header, "Name: value" (repeatable)'
            cand --header 'Extra header, "Name: value" (repeatable)'
            cand -d 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin'
            cand --data 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin'
            cand --data-binary 'Request body sent exactly as given; @FILE / @- read a file or stdin'
            cand -A 'User-Agent [default: x402/VERSION]'
            cand --user-agent 'User-Agent [default: x402/VERSION]'
            cand -m 'Maximum time for the whole operation, in seconds'
            cand --max-time 'Maximum time for the whole operation, in seconds'
            cand --connect-timeout 'Maximum time to connect, in seconds'
            cand --max-redirs 'Most redirects to follow with -L'
            cand --network 'Networks to prefer, in order, when marking the option `get` would choose (repeatable; `x402 networks` lists them)'
            cand --max-amount 'The per-payment cap to judge against, as `get --max-amount`: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]'
            cand --save-terms 'Save the option `get` would pay to FILE, for `x402 get --terms FILE`'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -I 'Send a HEAD request and show the headers'
            cand --head 'Send a HEAD request and show the headers'
            cand -k 'Do not verify the server''s TLS certificate'
            cand --insecure 'Do not verify the server''s TLS certificate'
            cand -L 'Follow redirects (a payment header never goes to another origin)'
            cand --location 'Follow redirects (a payment header never goes to another origin)'
            cand --json 'Print the terms as one JSON document'
            cand --force 'Replace an existing --save-terms file'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Create a new account from the OS random source'
            cand import 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
            cand list 'List accounts (this tool''s and Foundry''s); no password needed'
            cand ls 'List accounts (this tool''s and Foundry''s); no password needed'
            cand address 'Print an account''s address'
            cand addr 'Print an account''s address'
            cand balance 'USDC and gas balances over JSON-RPC'
            cand bal 'USDC and gas balances over JSON-RPC'
            cand approve 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;wallet;new'= {
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --solana 'A Solana (ed25519) account instead of an EVM one'
            cand --force 'Replace an existing account of the same name'
            cand --json 'Print name, address and path as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;import'= {
            cand --mnemonic-index 'Account index for --mnemonic'
            cand --keystore-file 'Import an existing v3 keystore file (it is decrypted first to check it)'
            cand --keypair-file 'Import a Solana CLI keypair file (implies --solana; stored encrypted, the file is left as it is)'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --mnemonic 'The secret is a BIP-39 mnemonic phrase (path m/44''/60''/0''/0/INDEX, or m/44''/501''/INDEX''/0'' with --solana)'
            cand --solana 'A Solana account: the secret is a base58 secret key (as Phantom and Solflare export it) or the Solana CLI''s JSON array of 64 numbers'
            cand --force 'Replace an existing account of the same name'
            cand --json 'Print name, address and path as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;list'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print the accounts as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;ls'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print the accounts as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;address'= {
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print name and address as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;addr'= {
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print name and address as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;balance'= {
            cand --network 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]'
            cand --rpc-url 'JSON-RPC endpoint (with one network)'
            cand --timeout 'Seconds to wait for each network'
            cand --address 'Any address instead of an account'
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --all 'Every known network with an RPC URL'
            cand --json 'Print balances as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;bal'= {
            cand --network 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]'
            cand --rpc-url 'JSON-RPC endpoint (with one network)'
            cand --timeout 'Seconds to wait for each network'
            cand --address 'Any address instead of an account'
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --all 'Every known network with an RPC URL'
            cand --json 'Print balances as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;approve'= {
            cand --network 'Network by name or CAIP-2 id (`x402 networks` lists them)'
            cand --rpc-url 'JSON-RPC endpoint [default: the network''s]'
            cand --timeout 'Seconds to wait for the transaction to be mined'
            cand --asset 'The token: its address, or its symbol in the network table (USDC)'
            cand --amount 'Allow this much, in token units (25.00, 0.5usdc)'
            cand --spender 'Who may move the token: permit2 is Uniswap''s canonical Permit2 (0x000000000022D473030F116dDEE9F6B43aC78BA3), which x402 Permit2 and upto payments use'
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --unlimited 'Allow any amount (2^256-1), as the official x402 clients'' approval does'
            cand --revoke 'Set the allowance back to 0'
            cand -y 'Send without asking (needed off a terminal)'
            cand --yes 'Send without asking (needed off a terminal)'
            cand --json 'Print the outcome as JSON'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;wallet;help'= {
            cand new 'Create a new account from the OS random source'
            cand import 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
            cand list 'List accounts (this tool''s and Foundry''s); no password needed'
            cand address 'Print an account''s address'
            cand balance 'USDC and gas balances over JSON-RPC'
            cand approve 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;wallet;help;new'= {
        }
        &'x402;wallet;help;import'= {
        }
        &'x402;wallet;help;list'= {
        }
        &'x402;wallet;help;address'= {
        }
        &'x402;wallet;help;balance'= {
        }
        &'x402;wallet;help;approve'= {
        }
        &'x402;wallet;help;help'= {
        }
        &'x402;history'= {
            cand --since 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d'
            cand --status 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print as one JSON document'
            cand --wide 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
            cand cancel 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;history;check'= {
            cand --timeout 'Seconds to wait for each RPC call'
            cand --since 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d'
            cand --status 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print as one JSON document'
            cand --wide 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;history;cancel'= {
            cand --timeout 'Seconds to wait for each RPC call, and for the transaction to be mined'
            cand --account 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]'
            cand --keystore 'Use this v3 keystore file [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --since 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d'
            cand --status 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -y 'Send without asking (for scripts)'
            cand --yes 'Send without asking (for scripts)'
            cand --json 'Print as one JSON document'
            cand --wide 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;history;help'= {
            cand check 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
            cand cancel 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;history;help;check'= {
        }
        &'x402;history;help;cancel'= {
        }
        &'x402;history;help;help'= {
        }
        &'x402;networks'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand --json 'Print the networks as one JSON document'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;mcp'= {
            cand --max-amount 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]'
            cand --daily-limit 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]'
            cand --session-budget 'Most this server process pays per asset, all payments together [default: [limits] session, else 1.00]'
            cand --account 'Account to pay from, looked up in $X402_HOME/keystores, then ~/.foundry/keystores; at most one per family, an EVM one and a Solana one [env: X402_ACCOUNT] [default: default_account and default_solana_account]'
            cand --keystore 'Pay from this v3 keystore file, for its family [env: X402_KEYSTORE]'
            cand --password-file 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)'
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;completions'= {
            cand --color 'When to use colour on stderr'
            cand --config 'Settings file [default: $X402_HOME/config.toml]'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -v 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand --verbose 'Say more on stderr, curl''s -v trace for requests (never changes stdout)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'x402;help'= {
            cand get 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr'
            cand inspect 'Show a URL''s 402 payment terms without paying'
            cand wallet 'Manage encrypted keystores and check balances'
            cand history 'The payments made, from the journal, with totals; `check` verifies them on-chain'
            cand networks 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer'
            cand mcp 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'x402;help;get'= {
        }
        &'x402;help;inspect'= {
        }
        &'x402;help;wallet'= {
            cand new 'Create a new account from the OS random source'
            cand import 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)'
            cand list 'List accounts (this tool''s and Foundry''s); no password needed'
            cand address 'Print an account''s address'
            cand balance 'USDC and gas balances over JSON-RPC'
            cand approve 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke'
        }
        &'x402;help;wallet;new'= {
        }
        &'x402;help;wallet;import'= {
        }
        &'x402;help;wallet;list'= {
        }
        &'x402;help;wallet;address'= {
        }
        &'x402;help;wallet;balance'= {
        }
        &'x402;help;wallet;approve'= {
        }
        &'x402;help;history'= {
            cand check 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)'
            cand cancel 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money'
        }
        &'x402;help;history;check'= {
        }
        &'x402;help;history;cancel'= {
        }
        &'x402;help;networks'= {
        }
        &'x402;help;mcp'= {
        }
        &'x402;help;completions'= {
        }
        &'x402;help;help'= {
        }
    ]
    $completions[$command]
}
