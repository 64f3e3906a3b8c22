//! `/log/`: the log as C2SP tlog-checkpoint and tlog-tiles, read-only.
//! Only what a published checkpoint covers is served, so every tile a
//! client can fetch agrees with a signed tree head.

use crate::problem::Problem;
use crate::{blocking, AppState};
use accord_log::tile::{encode_bundle, TileKind, TilePath};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/log/checkpoint", get(checkpoint)).route("/log/tile/{*path}", get(tile))
}

async fn checkpoint(State(node): State<AppState>) -> Result<Response, Problem> {
    let cp = node.checkpoint().ok_or_else(|| Problem::not_found_detail("no checkpoint has been published yet"))?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], cp.note.clone())
        .into_response())
}

async fn tile(State(node): State<AppState>, path: Result<Path<String>, PathRejection>) -> Result<Response, Problem> {
    let path = path.map_err(|e| Problem::not_found_detail(format!("no such tile: {e}")))?.0;
    let tp = TilePath::parse(&path)
        .map_err(|e| Problem::not_found_detail(format!("{e}: tile/{}", path.chars().take(100).collect::<String>())))?;
    let size = node.checkpoint().map_or(0, |c| c.size);
    // Tile indices can name ranges past 2^64; those are simply not there.
    let range = tp.index.checked_mul(256).and_then(|s| s.checked_add(u64::from(tp.width)).map(|e| (s, e)));
    let level = match tp.kind {
        TileKind::Hash(l) => 8 * u32::from(l),
        TileKind::Entries => 0,
    };
    let covered = range.filter(|(_, end)| end.leading_zeros() >= level && (end << level) <= size);
    let Some((start, end)) = covered else {
        return Err(Problem::not_found_detail(format!("{tp} is beyond the latest checkpoint (size {size})")));
    };
    let n = node.clone();
    let body = blocking(move || {
        let store = n.reads();
        match tp.kind {
            TileKind::Entries => {
                let es = store.entries(start, end)?;
                if es.len() as u64 != end - start {
                    return Err(Problem::internal(format!("{tp}: entries missing below the checkpoint")));
                }
                encode_bundle(es.iter().map(|e| e.as_slice())).map_err(|e| Problem::internal(e.to_string()))
            }
            TileKind::Hash(_) => {
                let hs = store.hashes(level, start, end)?;
                if hs.len() as u64 != end - start {
                    return Err(Problem::internal(format!("{tp}: hashes missing below the checkpoint")));
                }
                Ok(hs.iter().flat_map(|h| h.0).collect::<Vec<u8>>())
            }
        }
    })
    .await?;
    let cache = if tp.is_full() { "public, max-age=31536000, immutable" } else { "public, max-age=60" };
    Ok(([(header::CONTENT_TYPE, "application/octet-stream"), (header::CACHE_CONTROL, cache)], body).into_response())
}
