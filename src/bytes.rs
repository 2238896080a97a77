//! Looking through bytes eight at a time: the loops that read every byte of
//! every page (folding, counting words, the personal-data prefilter) test a
//! `u64` at once instead of each byte.

/// One in every byte of a word.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
pub const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The first byte at or after `from` that is `wanted`, or the end of
/// `bytes`. `flags` is the same question of eight bytes at once (the first
/// byte lowest): of the word it returns, only the high bits count, set for
/// the bytes wanted. Bytes above the lowest one flagged may be flagged
/// wrongly (a borrow or carry between bytes only travels upwards from a
/// byte that is itself flagged), so the answer is the lowest; `wanted`
/// answers for the last few bytes, which make no whole word.
pub fn find_flagged(
    bytes: &[u8],
    mut from: usize,
    flags: impl Fn(u64) -> u64,
    wanted: impl Fn(u8) -> bool,
) -> usize {
    while let Some(chunk) = bytes.get(from..from + 8) {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let flagged = flags(word) & HIGH_BITS;
        if flagged != 0 {
            return from + (flagged.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    from + bytes[from..]
        .iter()
        .position(|&b| wanted(b))
        .unwrap_or(bytes.len() - from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Non-ASCII bytes found by their high bits, from anywhere: the word
        /// test and the byte test must give the same first byte.
        #[test]
        fn the_first_flagged_byte_is_the_first_wanted(
            bytes in proptest::collection::vec(any::<u8>(), 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let by_byte = from + bytes[from..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - from);
            prop_assert_eq!(find_flagged(&bytes, from, |w| w, |b| !b.is_ascii()), by_byte);
        }
    }
}
