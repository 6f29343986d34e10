//! Fuzz target: see `portolan_core::fuzz_support::autoconfig` for the invariants checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portolan_core::fuzz_support::autoconfig(data));
