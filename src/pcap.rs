//! Capture files (pcap, pcapng): link layers, IP reassembly, UDP/TCP SIP, HEP. (Filled in by the
//! capture feature.)
