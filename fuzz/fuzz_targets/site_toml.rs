//! `site.toml` (Config::parse), on any text: Ok or Err, never a panic. An
//! error names a line of the file; a configuration that parses has a base
//! path that starts and ends with `/`, and a checker can be made from it
//! (or says why not).
#![no_main]

use std::path::Path;

use cmkb::check::Checker;
use cmkb::config::Config;
use cmkb::Error;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("site.toml")) {
        Err(Error::Config { line, message, .. }) => {
            assert!(
                line >= 1 && line <= common::line_count(text),
                "line {line}: {message}"
            );
        }
        Err(other) => panic!("Config::parse returned a non-config error: {other}"),
        Ok(config) => {
            let base = config.base_path();
            assert!(base.starts_with('/') && base.ends_with('/'), "{base:?}");
            assert!(config.languages.contains(&config.default_language));
            let _ = Checker::new(&config);
        }
    }
});
