//! A small JSON reader and string writer for the two JSON texts the page itself reads and writes:
//! the body of a diagnosis-only link (`crate::permalink`, a frozen wire format) and the stored
//! previous input (`crate::view::share`). A general JSON library costs the page's module about
//! 20 KB of its gzip size for these two; the CLI's report JSON keeps using serde_json.
//!
//! The reader follows RFC 8259 strictly, as serde_json does: one value, optional white space
//! around it, no trailing commas, escapes checked (no lone surrogates), nesting limited to 128
//! levels. Numbers are kept as their text and read as integers on demand.

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Num(String),
    Str(String),
    Arr(Vec<Value>),
    /// Members in their order; a name may repeat (see [`Value::field`]).
    Obj(Vec<(String, Value)>),
}

/// Why a field could not be read (the caller only needs to know that it failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

impl Value {
    /// The member `name` of an object: `Ok(None)` when absent, an error when it repeats or this is
    /// not an object.
    pub fn field(&self, name: &str) -> Result<Option<&Value>, Invalid> {
        let Value::Obj(members) = self else { return Err(Invalid) };
        let mut found = members.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = found.next();
        if found.next().is_some() {
            return Err(Invalid);
        }
        Ok(first)
    }

    /// A required string member.
    pub fn string(&self, name: &str) -> Result<String, Invalid> {
        match self.field(name)? {
            Some(Value::Str(s)) => Ok(s.clone()),
            _ => Err(Invalid),
        }
    }

    /// A string member that may be absent or null.
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, Invalid> {
        match self.field(name)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Invalid),
        }
    }

    /// A required unsigned integer member that fits `T`.
    pub fn uint<T: TryFrom<u64>>(&self, name: &str) -> Result<T, Invalid> {
        self.field(name)?.ok_or(Invalid).and_then(Value::as_uint)
    }

    /// An unsigned integer member that may be absent or null.
    pub fn opt_uint<T: TryFrom<u64>>(&self, name: &str) -> Result<Option<T>, Invalid> {
        match self.field(name)? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_uint().map(Some),
        }
    }

    /// An array member read item by item; absent means empty.
    pub fn list<T>(&self, name: &str, item: impl Fn(&Value) -> Result<T, Invalid>) -> Result<Vec<T>, Invalid> {
        match self.field(name)? {
            None => Ok(Vec::new()),
            Some(Value::Arr(items)) => items.iter().map(item).collect(),
            Some(_) => Err(Invalid),
        }
    }

    /// This value as an unsigned integer that fits `T` (an integer literal, no fraction or
    /// exponent; `-0` is zero).
    pub fn as_uint<T: TryFrom<u64>>(&self) -> Result<T, Invalid> {
        let Value::Num(n) = self else { return Err(Invalid) };
        let digits = n.strip_prefix('-').filter(|d| d.bytes().all(|b| b == b'0')).unwrap_or(n);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid);
        }
        let v: u64 = digits.parse().map_err(|_| Invalid)?;
        T::try_from(v).map_err(|_| Invalid)
    }

    /// This value as a string.
    pub fn as_string(&self) -> Result<String, Invalid> {
        match self {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(Invalid),
        }
    }
}

/// Parses one JSON text.
pub fn parse(text: &str) -> Result<Value, Invalid> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i == p.b.len() {
        Ok(v)
    } else {
        Err(Invalid)
    }
}

const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Result<(), Invalid> {
        if self.b[self.i..].starts_with(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Invalid> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        match self.peek().ok_or(Invalid)? {
            b'n' => self.eat(b"null").map(|_| Value::Null),
            b't' => self.eat(b"true").map(|_| Value::Bool(true)),
            b'f' => self.eat(b"false").map(|_| Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Arr(items));
                        }
                        _ => return Err(Invalid),
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::Obj(members));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(Invalid);
                    }
                    let k = self.string()?;
                    self.ws();
                    self.eat(b":")?;
                    self.ws();
                    members.push((k, self.value(depth + 1)?));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Obj(members));
                        }
                        _ => return Err(Invalid),
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Invalid),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, Invalid> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Invalid),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        // the bytes are ASCII digits and signs: always a valid str
        Ok(Value::Num(String::from_utf8_lossy(&self.b[start..self.i]).into_owned()))
    }

    fn hex4(&mut self) -> Result<u32, Invalid> {
        let h = self.b.get(self.i..self.i + 4).ok_or(Invalid)?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return Err(Invalid);
        }
        self.i += 4;
        u32::from_str_radix(std::str::from_utf8(h).map_err(|_| Invalid)?, 16).map_err(|_| Invalid)
    }

    fn string(&mut self) -> Result<String, Invalid> {
        self.i += 1; // the opening quote
        let mut out = Vec::new();
        loop {
            let b = self.peek().ok_or(Invalid)?;
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|_| Invalid),
                b'\\' => {
                    let e = self.peek().ok_or(Invalid)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.eat(b"\\u")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(Invalid);
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or(Invalid)?
                        }
                        _ => return Err(Invalid),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => return Err(Invalid),
                _ => out.push(b),
            }
        }
    }
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it (`"`, `\`, and control
/// characters; short forms where JSON has them, else `\u00xx`).
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `s` or `null`.
pub fn write_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        let cases = [
            r#"{"a":"x","b":null,"c":[1,2],"d":{"e":true}}"#,
            r#" { "a" : "\u00e9\ud83d\ude00\n\"\\\/" } "#,
            r#"[]"#,
            r#"{}"#,
            r#"-0"#,
            r#"1.5e-3"#,
            r#""\ud800""#,
            r#""\udc00x""#,
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"01"#,
            r#"1."#,
            "\"a\u{1}\"",
            r#"{"a" 1}"#,
            r#"nul"#,
            r#"{} x"#,
            r#""\x""#,
            "",
        ];
        for c in cases {
            let ours = parse(c).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(c).is_ok();
            assert_eq!(ours, theirs, "{c:?}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).is_err());
        assert_eq!(parse(r#"" \u00e9\ud83d\ude00 ""#), Ok(Value::Str(" \u{e9}\u{1f600} ".into())));
    }

    #[test]
    fn fields_and_integers() {
        let v = parse(r#"{"s":"x","n":null,"u":300,"f":1.0,"neg":-1,"z":-0,"dup":1,"dup":2,"l":["a","b"]}"#).unwrap();
        assert_eq!(v.string("s"), Ok("x".into()));
        assert_eq!(v.string("n"), Err(Invalid));
        assert_eq!(v.opt_string("n"), Ok(None));
        assert_eq!(v.opt_string("missing"), Ok(None));
        assert_eq!(v.uint::<u16>("u"), Ok(300));
        assert_eq!(v.uint::<u8>("u"), Err(Invalid), "does not fit");
        assert_eq!(v.uint::<u32>("f"), Err(Invalid), "not an integer");
        assert_eq!(v.uint::<u32>("neg"), Err(Invalid));
        assert_eq!(v.uint::<u32>("z"), Ok(0));
        assert_eq!(v.opt_uint::<u16>("n"), Ok(None));
        assert_eq!(v.field("dup"), Err(Invalid), "a repeated name");
        assert_eq!(v.list("l", Value::as_string), Ok(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(v.list("missing", Value::as_string), Ok(vec![]));
        assert_eq!(v.list("s", Value::as_string), Err(Invalid));
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut all = String::new();
        for c in (0u32..0x300).chain([0x2028, 0x1f600]).filter_map(char::from_u32) {
            all.push(c);
        }
        for s in ["", "plain", "q\"b\\s/", &all] {
            let mut ours = String::new();
            write_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).unwrap());
            assert_eq!(parse(&ours), Ok(Value::Str(s.to_string())));
        }
        let mut out = String::new();
        write_opt_str(&mut out, None);
        write_opt_str(&mut out, Some("a"));
        assert_eq!(out, "null\"a\"");
    }
}
