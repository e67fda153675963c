//! Media (RTP/RTCP) analysis from captures: streams, loss, jitter, direction, and the findings
//! they prove. (Filled in by the capture feature.)

use crate::analysis::Analysis;
use crate::diagnose::Finding;

/// Findings that only media can prove (one-way audio, no RTP, …). Empty without a capture.
pub fn findings(_a: &Analysis<'_>) -> Vec<Finding> {
    Vec::new()
}
