//! The tar reader with limits (`bosun_oci`'s tar guard under the `tar` crate): for any
//! bytes, in streaming and in seeking mode, the guard predicts the position of every
//! header the crate yields (they agree on the framing), and no entry that gets through
//! carries a name or link name longer than the limit. Nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bosun_oci::fuzz_check_tar_guard(data, 1024) {
        panic!("{e}");
    }
});
