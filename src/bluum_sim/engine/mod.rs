//! Order engine (placeholder while being written).
