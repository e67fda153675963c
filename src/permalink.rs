//! Permalinks: the state of a diagnosis (input, profile, PBX, symptom, selection) encoded,
//! versioned and compressed into a URL fragment, so a shared link carries its data and no server
//! ever sees it. (Filled in by the share feature.)
