//! Media (RTP/RTCP) analysis from captures: streams, loss, jitter, direction, and the findings
//! they prove. (Filled in by the capture feature.)

use crate::analysis::Analysis;
use crate::ingest::Timestamp;

/// One RTP packet seen in a capture (header fields only; the payload is not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket {
    pub time: Timestamp,
    pub src: std::net::SocketAddr,
    pub dst: std::net::SocketAddr,
    pub ssrc: u32,
    pub seq: u16,
    pub timestamp: u32,
    pub payload_type: u8,
    pub marker: bool,
    /// payload bytes
    pub len: u32,
}
use crate::diagnose::Finding;

/// Findings that only media can prove (one-way audio, no RTP, …). Empty without a capture.
pub fn findings(_a: &Analysis<'_>) -> Vec<Finding> {
    Vec::new()
}
