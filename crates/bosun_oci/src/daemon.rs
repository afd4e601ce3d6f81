//! Container engine source. Not implemented yet in this commit.

use crate::error::{Error, Result};
use crate::image::{Image, OpenOptions};

pub(crate) fn open(_r: &str, _opts: &OpenOptions, _name: &str) -> Result<Image> {
    Err(Error::Daemon {
        socket: String::new(),
        reason: "not implemented yet".into(),
    })
}
