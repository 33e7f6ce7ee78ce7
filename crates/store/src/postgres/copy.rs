//! Rows for `COPY … FROM STDIN (FORMAT binary)`.
//!
//! Capture streams every event and index row through COPY, and the server's backend is
//! capture's critical path on PostgreSQL. In the text format the backend scans every byte of
//! every field for escapes and parses every number; in the binary format each field comes with
//! its length and numbers in their stored form, so the backend only copies. Copying 100,000
//! stored events back in took 13 % less time in binary than in text (BENCHMARKS.md, sixteenth
//! session). The format: PostgreSQL's documentation, "COPY", section "Binary Format".

/// The file header: signature, flags (no OIDs), header extension length.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// A COPY data stream being written: the header first, then rows, then the trailer.
pub(super) struct BinaryRows {
    buf: Vec<u8>,
}

impl BinaryRows {
    pub fn with_capacity(capacity: usize) -> BinaryRows {
        let mut buf = Vec::with_capacity(capacity);
        buf.extend_from_slice(HEADER);
        BinaryRows { buf }
    }

    /// Bytes written and not yet taken.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// What is written so far, to send as one COPY data message; the stream goes on after it.
    pub fn take(&mut self) -> Vec<u8> {
        let capacity = self.buf.capacity();
        std::mem::replace(&mut self.buf, Vec::with_capacity(capacity))
    }

    /// The rest of the stream, trailer included.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.buf
    }

    /// Starts a row of `fields` fields.
    pub fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    fn field(&mut self, bytes: &[u8]) {
        // A field is at most 1 GB in PostgreSQL; capture's documents are far smaller.
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(bytes);
    }

    pub fn null(&mut self) {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
    }

    /// `BIGINT`.
    pub fn int8(&mut self, v: i64) {
        self.field(&v.to_be_bytes());
    }

    /// `INTEGER`.
    pub fn int4(&mut self, v: i32) {
        self.field(&v.to_be_bytes());
    }

    /// `SMALLINT`.
    pub fn int2(&mut self, v: i16) {
        self.field(&v.to_be_bytes());
    }

    /// `DOUBLE PRECISION`.
    pub fn float8(&mut self, v: f64) {
        self.field(&v.to_be_bytes());
    }

    /// `BOOLEAN`.
    pub fn bool(&mut self, v: bool) {
        self.field(&[u8::from(v)]);
    }

    /// `TEXT`: the UTF-8 bytes as they are.
    pub fn text(&mut self, s: &str) {
        self.field(s.as_bytes());
    }

    pub fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    pub fn opt_int8(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int8(v),
            None => self.null(),
        }
    }

    pub fn opt_float8(&mut self, v: Option<f64>) {
        match v {
            Some(v) => self.float8(v),
            None => self.null(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_header_rows_and_trailer() {
        let mut w = BinaryRows::with_capacity(64);
        w.row(4);
        w.int8(-2);
        w.opt_text(Some("ä"));
        w.opt_float8(None);
        w.bool(true);
        let mut bytes = w.take();
        w.row(2);
        w.int4(7);
        w.int2(-1);
        bytes.extend(w.finish());
        let mut want = b"PGCOPY\n\xff\r\n\0".to_vec();
        want.extend([0, 0, 0, 0, 0, 0, 0, 0]);
        want.extend([0, 4]);
        want.extend([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
        want.extend([0, 0, 0, 2, 0xc3, 0xa4]);
        want.extend([0xff, 0xff, 0xff, 0xff]);
        want.extend([0, 0, 0, 1, 1]);
        want.extend([0, 2]);
        want.extend([0, 0, 0, 4, 0, 0, 0, 7]);
        want.extend([0, 0, 0, 2, 0xff, 0xff]);
        want.extend([0xff, 0xff]);
        assert_eq!(bytes, want);
    }

    #[test]
    fn floats_keep_their_bits() {
        let mut w = BinaryRows::with_capacity(0);
        w.take();
        w.float8(0.1);
        assert_eq!(
            w.take(),
            [&[0, 0, 0, 8][..], &0.1f64.to_be_bytes()].concat()
        );
    }
}
