//! Reading structured values out of a fuzzer's bytes: every read succeeds
//! (zeros past the end), so any input decodes to something.

pub(super) struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        let (first, rest) = self.data.split_first().map_or((0, &[][..]), |(b, rest)| (*b, rest));
        self.data = rest;
        first
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        taken
    }

    /// The bytes up to the next separator (dropped), or all that is left.
    pub fn until_separator(&mut self) -> &'a [u8] {
        let end = self.data.iter().position(|&b| b == super::SEPARATOR);
        let taken = self.take(end.unwrap_or(self.data.len()));
        if end.is_some() {
            self.byte();
        }
        taken
    }
}

/// `fraction / 65536` of `len`: positions scale with the document, so a
/// mutated input keeps pointing at a similar place.
pub(super) fn scaled(fraction: u16, len: usize) -> usize {
    ((fraction as u128 * (len as u128 + 1)) >> 16) as usize
}
