//! A body gathered from its chunks. Most bodies come in one chunk: the first is kept as it came, and
//! copied only when a second follows.

use bytes::{Bytes, BytesMut};

/// The chunks of a body read so far.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    first: Option<Bytes>,
    joined: Option<BytesMut>,
    len: usize,
}

impl Gathered {
    /// Bytes gathered so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds the next chunk.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        self.len = self.len.saturating_add(chunk.len());
        match (&self.first, &mut self.joined) {
            (None, _) => self.first = Some(chunk),
            (Some(_), Some(joined)) => joined.extend_from_slice(&chunk),
            (Some(first), None) => {
                let mut both = BytesMut::with_capacity(self.len);
                both.extend_from_slice(first);
                both.extend_from_slice(&chunk);
                self.joined = Some(both);
            }
        }
    }

    /// The whole body: the one chunk as it came, or the chunks joined.
    pub(crate) fn finish(self) -> Bytes {
        match self.joined {
            Some(joined) => joined.freeze(),
            None => self.first.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_as_it_came_and_more_are_joined_in_order() {
        let one = Bytes::from_static(b"hello");
        let mut body = Gathered::default();
        body.push(Bytes::new());
        body.push(one.clone());
        assert_eq!(body.len(), 5);
        let kept = body.finish();
        assert_eq!(kept.as_ptr(), one.as_ptr(), "not copied");

        let mut body = Gathered::default();
        for chunk in ["ab", "", "cd", "e"] {
            body.push(Bytes::from_static(chunk.as_bytes()));
        }
        assert_eq!(body.len(), 5);
        assert_eq!(body.finish(), "abcde");
        assert_eq!(Gathered::default().finish(), "");
    }
}
