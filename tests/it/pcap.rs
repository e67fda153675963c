//! Integration tests: pcap.
