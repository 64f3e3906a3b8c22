//! Paged and per-member reads, shared by the portal and the audited API:
//! each a query over the projection tables, bounded by `limit`. The
//! `Store` impl in `sqlite.rs` runs them on a reader connection.

use crate::projection::{ProposalRow, StatementRow, VoteRow};
use crate::sqlite::{parse_proposal, proposal_row};
use crate::{ProposalPage, ProposalQuery, Result, Start, StoreError};
use rusqlite::{params_from_iter, Connection};

fn limit_i64(limit: u32) -> i64 {
    i64::from(limit)
}

fn before_i64(before: Option<u64>) -> i64 {
    before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX))
}

/// Up to this many matches, a status filter reads the (status, seq) index.
const SELECTIVE: u64 = 1000;

/// `(?1, ?2, …)` for `n` values starting at `?first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

/// A page of proposals (see `ProposalQuery`) and how many match.
pub(crate) fn proposals(c: &Connection, q: &ProposalQuery) -> Result<ProposalPage> {
    let n = q.statuses.len();
    let filter = if n == 0 { None } else { Some(format!("status IN ({})", placeholders(1, n))) };
    let total: u64 = c
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM p_proposals {}",
            filter.as_ref().map_or(String::new(), |f| format!("WHERE {f}"))
        ))?
        .query_row(params_from_iter(q.statuses.iter()), |r| r.get(0))?;
    let (dir, past) = if q.newest_first { ("DESC", "<") } else { ("ASC", ">") };
    let (cursor, offset) = match q.start {
        Start::First => (None, 0),
        Start::After(seq) => (Some(seq), 0),
        Start::Offset(o) => (None, o),
    };
    let mut conditions: Vec<String> = filter.into_iter().collect();
    if cursor.is_some() {
        conditions.push(format!("seq {past} ?{}", n + 1));
    }
    let condition = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    // The page's ids come first, from an index alone, so that skipping
    // `offset` rows never reads a record; only the page's records are then
    // read, by primary key. Many matches: walk the covering (seq, status)
    // index in order. Few (a selective status such as "open"): take them
    // from the (status, seq) index and sort those few ids.
    let index = if n == 0 || total > SELECTIVE { "INDEXED BY p_proposals_seq_status" } else { "" };
    let sql = format!(
        "SELECT id, seq, status, doc FROM p_proposals WHERE id IN (
             SELECT id FROM p_proposals {index} {condition}
             ORDER BY seq {dir} LIMIT ?{} OFFSET ?{})
         ORDER BY seq {dir}",
        n + 2,
        n + 3
    );
    let int = |v: u64, what: &str| i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} out of range")));
    let mut args: Vec<rusqlite::types::Value> =
        q.statuses.iter().map(|s| rusqlite::types::Value::Text((*s).to_string())).collect();
    // Unused when there is no cursor, but numbered all the same.
    args.push(int(cursor.unwrap_or(0), "cursor")?.into());
    args.push(limit_i64(q.limit).into());
    args.push(int(offset, "offset")?.into());
    let mut st = c.prepare_cached(&sql)?;
    let raw: Vec<_> = st.query_map(params_from_iter(args), proposal_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(ProposalPage { total, rows: raw.into_iter().map(parse_proposal).collect::<Result<_>>()? })
}

/// The `limit` ballots closed last (by the entry that closed them).
pub(crate) fn recently_closed(c: &Connection, limit: u32) -> Result<Vec<ProposalRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, seq, status, doc FROM p_proposals WHERE closed IS NOT NULL ORDER BY closed DESC, id LIMIT ?1",
    )?;
    let raw: Vec<_> = st.query_map([limit_i64(limit)], proposal_row)?.collect::<rusqlite::Result<_>>()?;
    raw.into_iter().map(parse_proposal).collect()
}

/// A member's recorded votes, newest first, before log index `before`.
pub(crate) fn votes_by_member(c: &Connection, member: &str, before: Option<u64>, limit: u32) -> Result<Vec<VoteRow>> {
    let mut st = c.prepare_cached(
        "SELECT proposal, member, vote, explanation, idx FROM p_votes
         WHERE member = ?1 AND idx < ?2 ORDER BY idx DESC LIMIT ?3",
    )?;
    let rows = st.query_map(rusqlite::params![member, before_i64(before), limit_i64(limit)], |r| {
        Ok(VoteRow {
            proposal: r.get(0)?,
            member: r.get(1)?,
            vote: r.get(2)?,
            explanation: r.get(3)?,
            index: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A member's accepted statements, newest first, before log index `before`.
pub(crate) fn statements_by_member(
    c: &Connection,
    member: &str,
    before: Option<u64>,
    limit: u32,
) -> Result<Vec<StatementRow>> {
    let mut st = c.prepare_cached(
        "SELECT idx, seq, type FROM p_statements WHERE member = ?1 AND idx < ?2 ORDER BY idx DESC LIMIT ?3",
    )?;
    let rows = st.query_map(rusqlite::params![member, before_i64(before), limit_i64(limit)], |r| {
        Ok(StatementRow { index: r.get(0)?, seq: r.get(1)?, kind: r.get(2)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `(document, version, index, time)` of each subscription of `member`.
pub(crate) fn subscriptions_of(c: &Connection, member: &str) -> Result<Vec<(String, u32, u64, String)>> {
    let mut st = c.prepare_cached(
        "SELECT document, version, idx, time FROM p_subscriptions WHERE member = ?1 ORDER BY document",
    )?;
    let rows = st.query_map([member], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
