//! `accord serve`: runs a node and its HTTP face until SIGINT/SIGTERM.

use crate::files::{db_url, lock_data, log_key_path, read_key, secretariat_key_path, DataLock};
use accord_node::{Node, NodeConfig, SteadyClock};
use anyhow::{Context, Result};
use std::path::Path;
use std::sync::Arc;

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Starts the node of the body in `data`, holding the directory's lock
/// (keep the returned lock as long as the node runs).
pub fn start_node(data: &Path, database: Option<&str>) -> Result<(Arc<Node>, DataLock)> {
    let lock = lock_data(data)?;
    let log_key = read_key(&log_key_path(data))?;
    // The secretariat's key lets the node append `clock.tick` entries so
    // that ballots close on time without other traffic. A node without it
    // still serves; deadlines then pass with the next statement.
    let sec_path = secretariat_key_path(data);
    let clock_ticker = if sec_path.exists() {
        Some(read_key(&sec_path)?.signer)
    } else {
        tracing::warn!(path = %sec_path.display(), "no secretariat key: ballots close only when a statement arrives");
        None
    };
    let store = accord_store::open(&db_url(data, database))?;
    let config = NodeConfig { clock_ticker, ..NodeConfig::default() };
    let node =
        Node::start(store, log_key.signer, Arc::new(SteadyClock::system()), config).context("cannot start the node")?;
    Ok((Arc::new(node), lock))
}

pub fn run(data: &Path, listen: &str, database: Option<&str>) -> Result<()> {
    init_tracing();
    let (node, _lock) = start_node(data, database)?;
    serve_node(node, listen)
}

pub fn serve_node(node: Arc<Node>, listen: &str) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        tracing::info!(origin = node.origin(), log_key = %node.log_vkey(), "serving on http://{addr}");
        // The first line on stdout names the address, for scripts and tests.
        println!("accord: listening on http://{addr}");
        let app = accord_http::router(node.clone());
        axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    tracing::info!("stopping: finishing queued statements and publishing a last checkpoint");
    node.shutdown();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
