//! `/`: a plain page saying what this node is and where its data lives.
//! (The portal proper — members, proposals, the code, in six languages —
//! replaces it.)

use crate::{blocking, AppState, Problem};
use axum::extract::State;
use axum::response::Html;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) async fn home(State(node): State<AppState>) -> Result<Html<String>, Problem> {
    let n = node.clone();
    let (name, members) = blocking(move || Ok((n.store().body_fact("name")?, n.store().members()?))).await?;
    let name = escape(&name.unwrap_or_else(|| "Accord".into()));
    let size = node.checkpoint().map_or(0, |c| c.size);
    let rows: String = members
        .iter()
        .filter(|m| m.id != "secretariat")
        .map(|m| format!("<li><code>{}</code> {}</li>", escape(&m.id), escape(&m.name)))
        .collect();
    Ok(Html(format!(
        "<!doctype html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{name}</title></head>\
<body><main><h1>{name}</h1>\
<p>An Accord node: every act of a member is a signed statement in one public log of <strong>{size}</strong> entries, \
which anyone can audit with <code>accord audit</code>.</p>\
<h2>The log</h2><ul>\
<li><a href=\"/log/checkpoint\">Latest signed checkpoint</a></li>\
<li><a href=\"/api/v1/body\">The body and its log key</a></li>\
<li><a href=\"/api/v1/entries/0\">Entry 0 (genesis) with its inclusion proof</a></li>\
<li><a href=\"/api/v1/notes\">Published notes</a></li>\
<li><a href=\"/metrics\">Operational metrics</a></li></ul>\
<h2>Members</h2><ul>{rows}</ul></main></body></html>\n"
    )))
}
