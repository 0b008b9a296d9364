
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'x402' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'x402'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'x402' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a URL''s 402 payment terms without paying')
            [CompletionResult]::new('wallet', 'wallet', [CompletionResultType]::ParameterValue, 'Manage encrypted keystores and check balances')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The payments made, from the journal, with totals; `check` verifies them on-chain')
            [CompletionResult]::new('networks', 'networks', [CompletionResultType]::ParameterValue, 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;get' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with a body]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with a body]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header, "Name: value" (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header, "Name: value" (repeatable)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin')
            [CompletionResult]::new('--data-binary', '--data-binary', [CompletionResultType]::ParameterName, 'Request body sent exactly as given; @FILE / @- read a file or stdin')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent [default: x402/VERSION]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent [default: x402/VERSION]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Maximum time for the whole operation, in seconds')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Maximum time for the whole operation, in seconds')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Maximum time to connect, in seconds')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON request body (sets Content-Type and Accept to application/json); @FILE, @-')
            [CompletionResult]::new('--max-redirs', '--max-redirs', [CompletionResultType]::ParameterName, 'Most redirects to follow with -L')
            [CompletionResult]::new('--receipt', '--receipt', [CompletionResultType]::ParameterName, 'Write the payment outcome as one JSON document to FILE')
            [CompletionResult]::new('--max-amount', '--max-amount', [CompletionResultType]::ParameterName, 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]')
            [CompletionResult]::new('--daily-limit', '--daily-limit', [CompletionResultType]::ParameterName, 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Pay only on these networks, in order of preference (repeatable; `x402 networks` lists them)')
            [CompletionResult]::new('--expect-amount', '--expect-amount', [CompletionResultType]::ParameterName, 'Pay only if the server asks exactly this amount (token units)')
            [CompletionResult]::new('--expect-pay-to', '--expect-pay-to', [CompletionResultType]::ParameterName, 'Pay only this payee (a 0x address, or a base58 one on Solana)')
            [CompletionResult]::new('--terms', '--terms', [CompletionResultType]::ParameterName, 'Pay only the terms saved by `x402 inspect --save-terms FILE`')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'On a network error after paying, resend the SAME signed payment up to N times while it is valid (it can settle at most once)')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the body to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the body to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Send a HEAD request and show the headers')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'Send a HEAD request and show the headers')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow redirects (a payment header never goes to another origin)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow redirects (a payment header never goes to another origin)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Pay without asking (needed off a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Pay without asking (needed off a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the quote and stop: sign nothing, pay nothing')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Include the response status line and headers in the output')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Include the response status line and headers in the output')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Silent: no conversation on stderr (errors too, unless -S)')
            [CompletionResult]::new('--silent', '--silent', [CompletionResultType]::ParameterName, 'Silent: no conversation on stderr (errors too, unless -S)')
            [CompletionResult]::new('-S', '-S ', [CompletionResultType]::ParameterName, 'With -s, still show errors')
            [CompletionResult]::new('--show-error', '--show-error', [CompletionResultType]::ParameterName, 'With -s, still show errors')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Exit 22 without the body on HTTP status >= 400')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Exit 22 without the body on HTTP status >= 400')
            [CompletionResult]::new('--fail-with-body', '--fail-with-body', [CompletionResultType]::ParameterName, 'Exit 22 on HTTP status >= 400, keeping the body')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;inspect' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with a body]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'HTTP method [default: GET, or POST with a body]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header, "Name: value" (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header, "Name: value" (repeatable)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body, form-encoded as curl does; @FILE reads a file (newlines removed), @- stdin')
            [CompletionResult]::new('--data-binary', '--data-binary', [CompletionResultType]::ParameterName, 'Request body sent exactly as given; @FILE / @- read a file or stdin')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent [default: x402/VERSION]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent [default: x402/VERSION]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Maximum time for the whole operation, in seconds')
            [CompletionResult]::new('--max-time', '--max-time', [CompletionResultType]::ParameterName, 'Maximum time for the whole operation, in seconds')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Maximum time to connect, in seconds')
            [CompletionResult]::new('--max-redirs', '--max-redirs', [CompletionResultType]::ParameterName, 'Most redirects to follow with -L')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Networks to prefer, in order, when marking the option `get` would choose (repeatable; `x402 networks` lists them)')
            [CompletionResult]::new('--max-amount', '--max-amount', [CompletionResultType]::ParameterName, 'The per-payment cap to judge against, as `get --max-amount`: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]')
            [CompletionResult]::new('--save-terms', '--save-terms', [CompletionResultType]::ParameterName, 'Save the option `get` would pay to FILE, for `x402 get --terms FILE`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Send a HEAD request and show the headers')
            [CompletionResult]::new('--head', '--head', [CompletionResultType]::ParameterName, 'Send a HEAD request and show the headers')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow redirects (a payment header never goes to another origin)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow redirects (a payment header never goes to another origin)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the terms as one JSON document')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --save-terms file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a new account from the OS random source')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (this tool''s and Foundry''s); no password needed')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List accounts (this tool''s and Foundry''s); no password needed')
            [CompletionResult]::new('address', 'address', [CompletionResultType]::ParameterValue, 'Print an account''s address')
            [CompletionResult]::new('addr', 'addr', [CompletionResultType]::ParameterValue, 'Print an account''s address')
            [CompletionResult]::new('balance', 'balance', [CompletionResultType]::ParameterValue, 'USDC and gas balances over JSON-RPC')
            [CompletionResult]::new('bal', 'bal', [CompletionResultType]::ParameterValue, 'USDC and gas balances over JSON-RPC')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;wallet;new' {
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--solana', '--solana', [CompletionResultType]::ParameterName, 'A Solana (ed25519) account instead of an EVM one')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing account of the same name')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print name, address and path as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;import' {
            [CompletionResult]::new('--mnemonic-index', '--mnemonic-index', [CompletionResultType]::ParameterName, 'Account index for --mnemonic')
            [CompletionResult]::new('--keystore-file', '--keystore-file', [CompletionResultType]::ParameterName, 'Import an existing v3 keystore file (it is decrypted first to check it)')
            [CompletionResult]::new('--keypair-file', '--keypair-file', [CompletionResultType]::ParameterName, 'Import a Solana CLI keypair file (implies --solana; stored encrypted, the file is left as it is)')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--mnemonic', '--mnemonic', [CompletionResultType]::ParameterName, 'The secret is a BIP-39 mnemonic phrase (path m/44''/60''/0''/0/INDEX, or m/44''/501''/INDEX''/0'' with --solana)')
            [CompletionResult]::new('--solana', '--solana', [CompletionResultType]::ParameterName, 'A Solana account: the secret is a base58 secret key (as Phantom and Solflare export it) or the Solana CLI''s JSON array of 64 numbers')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing account of the same name')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print name, address and path as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the accounts as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;ls' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the accounts as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;address' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print name and address as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;addr' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print name and address as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;balance' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]')
            [CompletionResult]::new('--rpc-url', '--rpc-url', [CompletionResultType]::ParameterName, 'JSON-RPC endpoint (with one network)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each network')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Any address instead of an account')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every known network with an RPC URL')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print balances as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;bal' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network by name or CAIP-2 id (repeatable; `x402 networks` lists them) [default: the first of [payment] networks, else base]')
            [CompletionResult]::new('--rpc-url', '--rpc-url', [CompletionResultType]::ParameterName, 'JSON-RPC endpoint (with one network)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each network')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Any address instead of an account')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every known network with an RPC URL')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print balances as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;approve' {
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network by name or CAIP-2 id (`x402 networks` lists them)')
            [CompletionResult]::new('--rpc-url', '--rpc-url', [CompletionResultType]::ParameterName, 'JSON-RPC endpoint [default: the network''s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the transaction to be mined')
            [CompletionResult]::new('--asset', '--asset', [CompletionResultType]::ParameterName, 'The token: its address, or its symbol in the network table (USDC)')
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'Allow this much, in token units (25.00, 0.5usdc)')
            [CompletionResult]::new('--spender', '--spender', [CompletionResultType]::ParameterName, 'Who may move the token: permit2 is Uniswap''s canonical Permit2 (0x000000000022D473030F116dDEE9F6B43aC78BA3), which x402 Permit2 and upto payments use')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--unlimited', '--unlimited', [CompletionResultType]::ParameterName, 'Allow any amount (2^256-1), as the official x402 clients'' approval does')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Set the allowance back to 0')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Send without asking (needed off a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Send without asking (needed off a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the outcome as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;wallet;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a new account from the OS random source')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (this tool''s and Foundry''s); no password needed')
            [CompletionResult]::new('address', 'address', [CompletionResultType]::ParameterValue, 'Print an account''s address')
            [CompletionResult]::new('balance', 'balance', [CompletionResultType]::ParameterValue, 'USDC and gas balances over JSON-RPC')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;wallet;help;new' {
            break
        }
        'x402;wallet;help;import' {
            break
        }
        'x402;wallet;help;list' {
            break
        }
        'x402;wallet;help;address' {
            break
        }
        'x402;wallet;help;balance' {
            break
        }
        'x402;wallet;help;approve' {
            break
        }
        'x402;wallet;help;help' {
            break
        }
        'x402;history' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as one JSON document')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;history;check' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each RPC call')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as one JSON document')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;history;cancel' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each RPC call, and for the transaction to be mined')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account name, looked up in $X402_HOME/keystores, then ~/.foundry/keystores [env: X402_ACCOUNT]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Use this v3 keystore file [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only payments signed at or after this time: 2026-11-25, 2026-11-25T10:00:00Z, or an age such as 24h or 7d')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only payments with this status (repeatable): pending, settled, rejected, unknown, unsent, expired, cancelled, disputed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Send without asking (for scripts)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Send without asking (for scripts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as one JSON document')
            [CompletionResult]::new('--wide', '--wide', [CompletionResultType]::ParameterName, 'Full addresses, hashes and URLs on a terminal too (shortened there to fit 100 columns; a pipe always gets full values)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;history;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;history;help;check' {
            break
        }
        'x402;history;help;cancel' {
            break
        }
        'x402;history;help;help' {
            break
        }
        'x402;networks' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the networks as one JSON document')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;mcp' {
            [CompletionResult]::new('--max-amount', '--max-amount', [CompletionResultType]::ParameterName, 'Most to pay per payment, in token units: 0.05, $0.05, 0.05usdc [default: [limits] per_payment, else 0.10]')
            [CompletionResult]::new('--daily-limit', '--daily-limit', [CompletionResultType]::ParameterName, 'Most to spend in 24 hours per asset, counting this payment [default: [limits] daily]')
            [CompletionResult]::new('--session-budget', '--session-budget', [CompletionResultType]::ParameterName, 'Most this server process pays per asset, all payments together [default: [limits] session, else 1.00]')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account to pay from, looked up in $X402_HOME/keystores, then ~/.foundry/keystores; at most one per family, an EVM one and a Solana one [env: X402_ACCOUNT] [default: default_account and default_solana_account]')
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Pay from this v3 keystore file, for its family [env: X402_KEYSTORE]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the keystore password from the first line of this file instead of prompting (Foundry''s ETH_PASSWORD, a file path, is honoured too)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Settings file [default: $X402_HOME/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr, curl''s -v trace for requests (never changes stdout)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'x402;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Fetch a URL and pay its 402 (curl-like): the body to stdout, the payment to stderr')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a URL''s 402 payment terms without paying')
            [CompletionResult]::new('wallet', 'wallet', [CompletionResultType]::ParameterValue, 'Manage encrypted keystores and check balances')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The payments made, from the journal, with totals; `check` verifies them on-chain')
            [CompletionResult]::new('networks', 'networks', [CompletionResultType]::ParameterValue, 'The networks `--network` accepts: CAIP-2 id, v1 name, stablecoin, RPC URL, explorer')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the tools of this wallet to an AI agent over MCP (stdio), within limits')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'x402;help;get' {
            break
        }
        'x402;help;inspect' {
            break
        }
        'x402;help;wallet' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Create a new account from the OS random source')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a private key, a mnemonic or a keystore file (the secret is read from a hidden prompt, or from stdin when stdin is not a terminal; never from the command line)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (this tool''s and Foundry''s); no password needed')
            [CompletionResult]::new('address', 'address', [CompletionResultType]::ParameterValue, 'Print an account''s address')
            [CompletionResult]::new('balance', 'balance', [CompletionResultType]::ParameterValue, 'USDC and gas balances over JSON-RPC')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Let Permit2 move a token of the account (sends an `approve` transaction; the account pays its gas), or take that back with --revoke')
            break
        }
        'x402;help;wallet;new' {
            break
        }
        'x402;help;wallet;import' {
            break
        }
        'x402;help;wallet;list' {
            break
        }
        'x402;help;wallet;address' {
            break
        }
        'x402;help;wallet;balance' {
            break
        }
        'x402;help;wallet;approve' {
            break
        }
        'x402;help;history' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Ask the chain what became of pending, unknown and settled payments, and update the journal (authorizationState or Permit2''s nonce bitmap for open ones; the Transfer in the receipt for settled ones)')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an open authorization on-chain (EIP-3009 cancelAuthorization, or Permit2 invalidateUnorderedNonces, sent by the payer as a transaction whose gas the payer pays), so it can never move money')
            break
        }
        'x402;help;history;check' {
            break
        }
        'x402;help;history;cancel' {
            break
        }
        'x402;help;networks' {
            break
        }
        'x402;help;mcp' {
            break
        }
        'x402;help;completions' {
            break
        }
        'x402;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
