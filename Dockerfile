# Bluum Invest container image.
# Build stage: the same set-up steps as the README (scripts/lib.sh), then a release build.
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Tools first (cargo-leptos, wasm-bindgen-cli, Tailwind): cached until these files change.
COPY scripts/ scripts/
COPY Cargo.toml Cargo.lock package.json package-lock.json ./
RUN bash -c 'source scripts/lib.sh && ensure_rust_tools && ensure_npm_packages'
COPY . .
# Through lib.sh, so cargo-leptos gets the same tool settings as scripts/run.sh (no GitHub lookups).
# --precompress leaves brotli and gzip copies of the site files, sent as they are (src/server/assets.rs).
RUN bash -c 'source scripts/lib.sh && cargo leptos build --release --precompress'

# Runtime stage: just the server binary and the site assets, as a non-root user.
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin bluum
WORKDIR /app
COPY --from=build /app/target/release/bluum_invest /app/bluum_invest
# The hashed names of the site files, read next to the binary (LEPTOS_HASH_FILES).
COPY --from=build /app/target/release/hash.txt /app/hash.txt
COPY --from=build /app/target/site /app/site
# The brand (read from the working directory; BRAND_FILE=brands/acme.toml picks another).
COPY brand.toml /app/brand.toml
COPY brands/ /app/brands/
ENV LEPTOS_OUTPUT_NAME=bluum_invest \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    LEPTOS_HASH_FILES=true \
    RUST_LOG=info
USER bluum
EXPOSE 3000
CMD ["/app/bluum_invest"]
