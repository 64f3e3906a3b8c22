//! `accord rebuild`: projections from the log, from scratch.

use crate::files::db_url;
use crate::progress::bar;
use anyhow::Result;
use std::path::Path;

pub fn run(data: &Path, database: Option<&str>) -> Result<()> {
    let _lock = crate::files::lock_data(data)?;
    let store = accord_store::open(&db_url(data, database))?;
    let pb = bar(store.size()?, "rebuild");
    let report = accord_node::rebuild_projections(store.as_ref(), |done, _| pb.set_position(done))?;
    pb.finish_and_clear();
    println!("entries replayed: {}", report.entries);
    println!("projections before: {}", report.before.to_hex());
    println!("projections after:  {}", report.after.to_hex());
    if report.before == report.after {
        println!("projections identical");
    } else {
        println!("projections changed (the old ones did not match the log; they do now)");
    }
    Ok(())
}
