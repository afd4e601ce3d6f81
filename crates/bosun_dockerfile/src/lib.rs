//! Dockerfile syntax and semantics, exactly as BuildKit reads them.
