//! CVSS base scores from the vectors, computed by the `cvss` crate (v3.0, v3.1
//! and v4.0), and the one severity scale findings use.

use crate::model::SeverityVector;
use std::str::FromStr;

/// A computed base score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// `3.1`, `4.0`, ...
    pub version: &'static str,
    pub value: f64,
}

/// The severity name of a score (CVSS qualitative scale).
pub fn rating(score: f64) -> &'static str {
    match score {
        s if s >= 9.0 => "critical",
        s if s >= 7.0 => "high",
        s if s >= 4.0 => "medium",
        s if s > 0.0 => "low",
        _ => "none",
    }
}

/// The base score of one vector, `None` for other kinds or a vector that does
/// not parse.
pub fn base_score(v: &SeverityVector) -> Option<Score> {
    let version = match v.kind.as_str() {
        "CVSS_V3" => "3",
        "CVSS_V4" => "4.0",
        _ => return None,
    };
    let cvss = cvss::Cvss::from_str(v.score.trim()).ok()?;
    let version = match &cvss {
        cvss::Cvss::CvssV30(_) => "3.0",
        cvss::Cvss::CvssV31(_) => "3.1",
        cvss::Cvss::CvssV40(_) => "4.0",
        _ => version,
    };
    Some(Score {
        version,
        value: cvss.score(),
    })
}

/// The score to show: the newest CVSS version present, and the highest score of
/// that version.
pub fn best_score(vectors: &[SeverityVector]) -> Option<Score> {
    let mut best: Option<Score> = None;
    for s in vectors.iter().filter_map(base_score) {
        best = match best {
            None => Some(s),
            Some(b) if s.version > b.version || (s.version == b.version && s.value > b.value) => {
                Some(s)
            }
            b => b,
        };
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(kind: &str, score: &str) -> SeverityVector {
        SeverityVector {
            kind: kind.into(),
            score: score.into(),
        }
    }

    #[test]
    fn cvss_v3_and_v4_base_scores() {
        // NVD's published base scores for these vectors.
        let s = base_score(&v(
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        ))
        .unwrap();
        assert_eq!((s.version, s.value), ("3.1", 9.8));
        let s = base_score(&v(
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
        ))
        .unwrap();
        assert_eq!(s.value, 5.9);
        let s = base_score(&v(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ))
        .unwrap();
        assert_eq!((s.version, s.value), ("4.0", 9.3));
        assert_eq!(base_score(&v("CVSS_V3", "garbage")), None);
        assert_eq!(rating(9.8), "critical");
        assert_eq!(rating(5.9), "medium");
    }

    #[test]
    fn newest_version_wins() {
        let s = best_score(&[
            v("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            v(
                "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            ),
        ])
        .unwrap();
        assert_eq!(s.version, "4.0");
    }
}
