//! Tile paths and entry bundles: parse → encode → compare.
//!
//! Every tile has one path: a path that parses must be exactly the path its
//! tile encodes to. A bundle that decodes re-encodes to the same bytes.
#![no_main]

use accord_log::tile::{decode_bundle, encode_bundle, TilePath};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = TilePath::parse(s) {
            let encoded = p.to_path();
            assert_eq!(encoded, s, "tile path is not in its one encoding");
            assert_eq!(
                TilePath::parse(&encoded),
                Ok(p),
                "tile path changed across encode/parse"
            );
        }
    }

    if let Ok(entries) = decode_bundle(data) {
        let encoded =
            encode_bundle(entries.iter().copied()).expect("decoded entries must fit a bundle");
        assert_eq!(encoded, data, "bundle does not re-encode to its input");
        assert_eq!(
            decode_bundle(&encoded),
            Ok(entries),
            "bundle changed across encode/decode"
        );
    }
});
