//! `config.toml`: any text gives a config or a one-line error naming line and column, never a
//! panic; networks and assets it adds keep the built-in table usable for choosing an option.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use x402::config::Config;
use x402::network::Networks;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut networks = Networks::built_in();
    match Config::parse(Path::new("config.toml"), text, &mut networks) {
        Ok(_) => {
            for network in networks.iter() {
                let _ = network.caip2();
                for asset in &network.assets {
                    assert!(network.asset(&asset.address).is_some());
                }
                assert!(
                    networks.find(&network.name).is_some(),
                    "{} is findable",
                    network.name
                );
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "one-line error: {message:?}");
        }
    }
});
