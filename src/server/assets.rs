//! Page weight: response compression.

use tower_http::compression::CompressionLayer;

/// Compresses responses with brotli or gzip, whichever the request accepts (brotli first).
/// Skips what is already compressed (images other than SVG), bodies of 32 bytes or less, and
/// server-sent events (`text/event-stream`), which must not be held back.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().br(true).gzip(true)
}
