//! sipdiag: a SIP trace doctor.
//!
//! The crate is a pure core (no browser dependency, built and tested natively) plus a thin Yew UI
//! compiled only for wasm32. Data flows one way:
//!
//! ```text
//! pasted text ──ingest──▶ Ingested (message texts + where they came from + problems)
//!             ──sip──────▶ Message (parsed start line, headers, SDP; zero-copy)
//!             ──calls────▶ transactions, dialogs, calls
//!             ──diagnose─▶ findings (cause id from the knowledge base + evidence)
//!             ──report───▶ Report: the versioned, owned boundary type (JSON, UI, links)
//! ```
//!
//! See ARCHITECTURE.md for the code map and the invariants.

pub mod analysis;
pub mod calls;
pub mod cli;
pub mod diagnose;
pub mod export;
pub mod ingest;
pub(crate) mod json;
pub mod kb;
pub mod media;
pub mod pcap;
pub mod permalink;
pub mod redact;
pub mod report;
pub mod sip;
pub mod text;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod ui;

pub use analysis::Analysis;
pub use ingest::{ingest, Ingested};
