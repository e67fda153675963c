//! Integration tests: kb.
