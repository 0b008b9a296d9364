//! The `x402` binary: everything lives in the library (`src/lib.rs`).

fn main() -> std::process::ExitCode {
    x402::main()
}
