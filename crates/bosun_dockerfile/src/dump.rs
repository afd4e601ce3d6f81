//! BuildKit's `Node.Dump()` format.
