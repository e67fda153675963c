//! The one integration test binary (`cargo test --test it`). Each module owns one area; the
//! shared helpers live in `support`.

mod support;

mod cli;
mod corpus;
mod diagnose;
mod ingest;
mod kb;
mod parser;
mod pcap;
mod rfc4475;
mod share;
