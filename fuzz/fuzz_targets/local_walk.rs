//! The local walk (a plain layer read from a file, seeking over bodies, random-access
//! bodies): for any bytes it shows what the streaming walk shows, fails only where the
//! streaming walk fails, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bosun_oci::fuzz_check_local_walk(data) {
        panic!("{e}");
    }
});
