//! The capture containers: classic pcap (both byte orders, micro- and nanosecond stamps, the
//! Kuznetzov variant) and pcapng (section header, interface description, enhanced, simple and
//! obsolete packet blocks; several sections and interfaces, each with its own link type,
//! timestamp resolution and offset). Yields frames numbered like Wireshark does (1-based, packet
//! blocks only) and stops at the first block it cannot trust.

/// Why reading the container stopped early, or what is odd about a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerError {
    /// The file header is not a pcap or pcapng header.
    BadHeader,
    /// The file ends inside a block or packet record (an interrupted capture or a cut copy).
    CutShort,
    /// A block or record length that cannot be right (smaller than its header, absurdly large).
    BadLength,
    /// A pcapng packet names an interface the section has not described.
    UnknownInterface,
}

impl ContainerError {
    pub fn description(self) -> &'static str {
        match self {
            ContainerError::BadHeader => "the file does not start with a pcap or pcapng header",
            ContainerError::CutShort => "the file ends in the middle of a packet (the capture was cut short)",
            ContainerError::BadLength => "a packet record has an impossible length; the rest of the file was skipped",
            ContainerError::UnknownInterface => "a packet names a capture interface the file never described",
        }
    }
}

/// Which container the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Pcap,
    PcapNg,
}

/// One captured packet.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based packet number, as Wireshark shows it.
    pub number: u32,
    /// LINKTYPE_* value of the interface.
    pub link: u16,
    /// Microseconds since the Unix epoch.
    pub micros: i64,
    /// The captured bytes (may be fewer than `orig_len`: snap length).
    pub data: &'a [u8],
    pub orig_len: u32,
}

impl Frame<'_> {
    /// Whether the capture kept fewer bytes than were on the wire.
    pub fn is_cut(&self) -> bool {
        (self.data.len() as u64) < self.orig_len as u64
    }
}

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const PCAPNG_BOM: u32 = 0x1A2B_3C4D;
/// Larger than any real packet (jumbo frames, TSO, USB): a record claiming more is garbage.
const MAX_RECORD: usize = 16 * 1024 * 1024;

/// Recognises the container from the first bytes.
pub fn detect(b: &[u8]) -> Option<Container> {
    let m = b.get(..4)?;
    let m = u32::from_le_bytes([m[0], m[1], m[2], m[3]]);
    match m {
        0xA1B2_C3D4 | 0xD4C3_B2A1 | 0xA1B2_3C4D | 0x4D3C_B2A1 | 0xA1B2_CD34 | 0x34CD_B2A1 if b.len() >= 24 => {
            Some(Container::Pcap)
        }
        PCAPNG_SHB => {
            let bom = b.get(8..12)?;
            let le = u32::from_le_bytes([bom[0], bom[1], bom[2], bom[3]]);
            (le == PCAPNG_BOM || le.swap_bytes() == PCAPNG_BOM).then_some(Container::PcapNg)
        }
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct Endian(bool); // true = big endian

impl Endian {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s = b.get(at..at + 2)?;
        let a = [s[0], s[1]];
        Some(if self.0 { u16::from_be_bytes(a) } else { u16::from_le_bytes(a) })
    }
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.0 { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) })
    }
}

/// Reads every frame, calling `f` for each. Returns the container kind and, when reading stopped
/// early, why and at which packet number (the one that could not be read).
pub fn read<'a>(b: &'a [u8], mut f: impl FnMut(Frame<'a>)) -> (Option<Container>, Option<(ContainerError, u32)>) {
    match detect(b) {
        Some(Container::Pcap) => (Some(Container::Pcap), read_pcap(b, &mut f)),
        Some(Container::PcapNg) => (Some(Container::PcapNg), read_pcapng(b, &mut f)),
        None => (None, Some((ContainerError::BadHeader, 0))),
    }
}

fn read_pcap<'a>(b: &'a [u8], f: &mut impl FnMut(Frame<'a>)) -> Option<(ContainerError, u32)> {
    let magic = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let (e, nanos, record_len) = match magic {
        0xA1B2_C3D4 => (Endian(false), false, 16),
        0xD4C3_B2A1 => (Endian(true), false, 16),
        0xA1B2_3C4D => (Endian(false), true, 16),
        0x4D3C_B2A1 => (Endian(true), true, 16),
        0xA1B2_CD34 => (Endian(false), false, 24),
        _ => (Endian(true), false, 24),
    };
    // The link type is the low 16 bits; the upper bits may carry FCS information.
    let link = (e.u32(b, 20)? & 0xFFFF) as u16;
    let mut at = 24usize;
    let mut number = 0u32;
    while at < b.len() {
        number = number.saturating_add(1);
        let (Some(sec), Some(frac), Some(incl), Some(orig)) =
            (e.u32(b, at), e.u32(b, at + 4), e.u32(b, at + 8), e.u32(b, at + 12))
        else {
            return Some((ContainerError::CutShort, number));
        };
        let incl = incl as usize;
        if incl > MAX_RECORD {
            return Some((ContainerError::BadLength, number));
        }
        let start = at + record_len;
        let Some(data) = b.get(start..start + incl) else {
            return Some((ContainerError::CutShort, number));
        };
        let frac_us = if nanos { frac as i64 / 1000 } else { frac as i64 };
        f(Frame { number, link, micros: sec as i64 * 1_000_000 + frac_us, data, orig_len: orig.max(incl as u32) });
        at = start + incl;
    }
    None
}

#[derive(Clone, Copy)]
struct Interface {
    link: u16,
    snaplen: u32,
    /// Timestamp units per second.
    units: u64,
    offset_s: i64,
}

fn ts_units(tsresol: u8) -> u64 {
    let v = (tsresol & 0x7F) as u32;
    if tsresol & 0x80 != 0 {
        2u64.checked_pow(v).unwrap_or(u64::MAX)
    } else {
        10u64.checked_pow(v).unwrap_or(u64::MAX)
    }
}

fn to_micros(ts: u64, units: u64, offset_s: i64) -> i64 {
    let units = units.max(1);
    let (secs, frac) = (ts / units, ts % units);
    // (no u128 arithmetic: it costs code size in wasm)
    let frac_us = if units <= u64::MAX / 1_000_000 { frac * 1_000_000 / units } else { frac / (units / 1_000_000) };
    let us = (secs.min(i64::MAX as u64 / 1_000_000) as i64 * 1_000_000).saturating_add(frac_us as i64);
    us.saturating_add(offset_s.saturating_mul(1_000_000))
}

fn read_pcapng<'a>(b: &'a [u8], f: &mut impl FnMut(Frame<'a>)) -> Option<(ContainerError, u32)> {
    let mut at = 0usize;
    let mut e = Endian(false);
    let mut ifaces: Vec<Interface> = Vec::new();
    let mut number = 0u32;
    while at < b.len() {
        let Some(raw_type) = b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]])) else {
            return Some((ContainerError::CutShort, number + 1));
        };
        if raw_type == PCAPNG_SHB {
            // A new section: its byte order mark decides how everything until the next one reads.
            let Some(bom) = b.get(at + 8..at + 12) else {
                return Some((ContainerError::CutShort, number + 1));
            };
            let le = u32::from_le_bytes([bom[0], bom[1], bom[2], bom[3]]);
            e = Endian(le != PCAPNG_BOM);
            ifaces.clear();
        }
        let (Some(btype), Some(blen)) = (e.u32(b, at), e.u32(b, at + 4)) else {
            return Some((ContainerError::CutShort, number + 1));
        };
        let blen = blen as usize;
        if blen < 12 || !blen.is_multiple_of(4) || blen > MAX_RECORD {
            return Some((ContainerError::BadLength, number + 1));
        }
        let Some(block) = b.get(at..at + blen) else {
            return Some((ContainerError::CutShort, number + 1));
        };
        let body = &block[8..blen - 4];
        match btype {
            // Interface Description Block
            1 => {
                let link = e.u16(body, 0).unwrap_or(0);
                let snaplen = e.u32(body, 4).unwrap_or(0);
                let mut iface = Interface { link, snaplen, units: 1_000_000, offset_s: 0 };
                let mut o = 8usize;
                while let (Some(code), Some(len)) = (e.u16(body, o), e.u16(body, o + 2)) {
                    let len = len as usize;
                    let Some(val) = body.get(o + 4..o + 4 + len) else { break };
                    match code {
                        0 => break,
                        9 if len >= 1 => iface.units = ts_units(val[0]),
                        14 if len >= 8 => {
                            let mut a = [0u8; 8];
                            a.copy_from_slice(&val[..8]);
                            iface.offset_s = if e.0 { i64::from_be_bytes(a) } else { i64::from_le_bytes(a) };
                        }
                        _ => {}
                    }
                    o += 4 + len.div_ceil(4) * 4;
                }
                ifaces.push(iface);
            }
            // Enhanced Packet Block, obsolete Packet Block
            6 | 2 => {
                number = number.saturating_add(1);
                let (iface_id, hi, lo, cap, orig) = if btype == 6 {
                    (e.u32(body, 0), e.u32(body, 4), e.u32(body, 8), e.u32(body, 12), e.u32(body, 16))
                } else {
                    (e.u16(body, 0).map(u32::from), e.u32(body, 4), e.u32(body, 8), e.u32(body, 12), e.u32(body, 16))
                };
                let (Some(iface_id), Some(hi), Some(lo), Some(cap), Some(orig)) = (iface_id, hi, lo, cap, orig) else {
                    return Some((ContainerError::BadLength, number));
                };
                let Some(iface) = ifaces.get(iface_id as usize) else {
                    return Some((ContainerError::UnknownInterface, number));
                };
                let Some(data) = body.get(20..20usize.saturating_add(cap as usize)) else {
                    return Some((ContainerError::BadLength, number));
                };
                let ts = (hi as u64) << 32 | lo as u64;
                f(Frame {
                    number,
                    link: iface.link,
                    micros: to_micros(ts, iface.units, iface.offset_s),
                    data,
                    orig_len: orig.max(cap),
                });
            }
            // Simple Packet Block: interface 0, no timestamp.
            3 => {
                number = number.saturating_add(1);
                let Some(iface) = ifaces.first() else {
                    return Some((ContainerError::UnknownInterface, number));
                };
                let orig = e.u32(body, 0).unwrap_or(0);
                let mut cap = (orig as usize).min(body.len().saturating_sub(4));
                if iface.snaplen > 0 {
                    cap = cap.min(iface.snaplen as usize);
                }
                let data = body.get(4..4 + cap).unwrap_or(&[]);
                f(Frame { number, link: iface.link, micros: 0, data, orig_len: orig.max(cap as u32) });
            }
            _ => {}
        }
        at += blen;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions() {
        assert_eq!(ts_units(6), 1_000_000);
        assert_eq!(ts_units(9), 1_000_000_000);
        assert_eq!(ts_units(0x80 | 10), 1024);
        assert_eq!(to_micros(1_500_000_000, 1_000_000_000, 0), 1_500_000);
        assert_eq!(to_micros(2048, 1024, 1), 3_000_000);
        assert_eq!(ts_units(0x7F), u64::MAX);
        assert_eq!(to_micros(u64::MAX, 1, 0), i64::MAX / 1_000_000 * 1_000_000, "clamped, no overflow");
        assert_eq!(to_micros(u64::MAX, u64::MAX, 0), 1_000_000);
        assert_eq!(to_micros(1_700_000_000_123_456_789, 1_000_000_000, -1), 1_699_999_999_123_456);
    }

    #[test]
    fn empty_simple_packet_block() {
        let mut b = vec![0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0];
        b.extend_from_slice(&[0xFF; 8]);
        b.extend_from_slice(&[28, 0, 0, 0]);
        b.extend_from_slice(&[1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0]);
        b.extend_from_slice(&[3, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0]);
        let mut frames = Vec::new();
        let (_, err) = read(&b, |f| frames.push((f.number, f.data.len())));
        assert_eq!((frames, err), (vec![(1, 0)], None));
    }

    #[test]
    fn garbage_is_not_a_capture() {
        assert_eq!(detect(b"INVITE sip:a@b SIP/2.0\r\n"), None);
        assert_eq!(detect(&[0xD4, 0xC3, 0xB2, 0xA1]), None, "too short for a header");
        let (c, err) = read(b"\x0A\x0D\x0D\x0A\x1C\x00\x00\x00\x4D\x3C\x2B\x1A", |_| panic!("no frame"));
        assert_eq!(c, Some(Container::PcapNg));
        assert_eq!(err, Some((ContainerError::CutShort, 1)));
    }
}
