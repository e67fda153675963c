//! Integration tests: rfc4475.
