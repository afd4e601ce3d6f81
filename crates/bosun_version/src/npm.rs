//! npm's range language, after node-semver.

use crate::VersionError;

/// Options of node-semver's range functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NpmOptions {
    /// node-semver's `loose`: accept sloppy versions such as `1.2.3beta` or `=1.2.3`.
    pub loose: bool,
    /// node-semver's `includePrerelease`: let prereleases match any range.
    pub include_prerelease: bool,
}

/// Whether `version` satisfies the npm range `range` (`^1.2.3 || >=2 <3`, x-ranges,
/// hyphen ranges, tilde, caret, npm's prerelease rule), with node-semver's default
/// options.
pub fn npm_satisfies(range: &str, version: &str) -> Result<bool, VersionError> {
    npm_satisfies_with(range, version, NpmOptions::default())
}

/// [`npm_satisfies`] with node-semver's options.
pub fn npm_satisfies_with(
    range: &str,
    version: &str,
    options: NpmOptions,
) -> Result<bool, VersionError> {
    let _ = (range, options);
    Err(VersionError::new(
        crate::Scheme::SemVer,
        version,
        "npm ranges are not implemented yet",
    ))
}
