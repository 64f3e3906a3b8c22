//! `/desk`: the delegate's desk, where a member state signs its acts in
//! the browser.
//!
//! Signing in: the browser reads the member's key file, imports the key
//! with WebCrypto Ed25519, checks it against the member's registered key,
//! keeps it in IndexedDB as a non-extractable key, and signs a challenge
//! from the node (`auth`, `challenge`); the node opens a session
//! (`session`). The private key never leaves the browser.
//!
//! The desk: who is signed in, what awaits the member's state (soonest
//! deadline first), its open ballots with a form for each act it may take,
//! forms for every other act a member takes (table a proposal, amend,
//! publish a note, subscribe and unsubscribe, replace its key), and its
//! recent acts (`view`). `desk.js`
//! builds each statement (RFC 8785 JSON, the member's next `seq`), signs
//! it with the kept key and sends it to `/api/v1/statements`.
//!
//! What it is not: the session authorises nothing in the log — every act
//! is checked by its signature like any other statement — and no
//! JavaScript Ed25519: a browser without WebCrypto Ed25519 is told that it
//! cannot sign, and pointed to the command line.

mod auth;
mod challenge;
mod session;
mod view;

use crate::ctx::Ctx;
use crate::layout::{load, reply, Nav, Page, PageError};
use crate::AppState;
use accord_log::VerifierKey;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/desk", get(page))
        .route("/desk/challenge", post(auth::challenge))
        .route("/desk/session", post(auth::session))
        .route("/desk/signout", post(auth::signout))
}

enum View {
    SignIn,
    Desk(Box<view::DeskData>),
}

/// `GET /desk`: the desk when signed in, else the sign-in.
async fn page(ctx: Ctx, State(node): State<AppState>, headers: HeaderMap) -> Response {
    let session = auth::current(&headers);
    let lang = ctx.ui().code();
    let wanted = session.as_ref().map(|(_, s)| s.clone());
    let r = load(&node, move |n| {
        let Some(s) = wanted else { return Ok(View::SignIn) };
        match n.reads().member(&s.member).map_err(PageError::storage)? {
            // A changed key ends the session: sign in again with the new one.
            Some(m) if m.vkey == s.vkey => {
                let key_id = VerifierKey::parse(&m.vkey).map(|k| k.id().to_string()).unwrap_or_default();
                Ok(View::Desk(Box::new(view::read(n, m, key_id, lang)?)))
            }
            _ => Ok(View::SignIn),
        }
    })
    .await;
    if let (Ok((_, View::SignIn)), Some((token, _))) = (&r, &session) {
        auth::end(token);
    }
    let origin = node.origin().to_string();
    reply(
        &ctx,
        r.map(|(shell, v)| {
            let body = match v {
                View::SignIn => frame(&ctx, &origin, None, signin(&ctx)),
                View::Desk(d) => frame(&ctx, &origin, Some(&d.member.id), view::render(&ctx, &d)),
            };
            (shell, Page::new(ctx.t("desk-title"), Nav::Desk, body).script("desk.js").private())
        }),
    )
}

/// What both views share: the heading, what the desk is, the note that
/// signing needs JavaScript (which `desk.js` replaces), and the strings
/// `desk.js` shows.
fn frame(ctx: &Ctx, origin: &str, member: Option<&str>, content: Markup) -> Markup {
    html! {
        div id="desk" data-origin=(origin) data-member=[member] {
            h1 { (ctx.t("desk-title")) }
            p class="lead" { (ctx.t("desk-intro")) }
            p id="desk-js-note" class="panel" { (crate::layout::prose(&ctx.t("desk-needs-js"))) }
            (content)
        }
        (js_strings(ctx))
    }
}

fn signin(ctx: &Ctx) -> Markup {
    html! {
        section aria-labelledby="signin-h" {
            h2 id="signin-h" { (ctx.t("desk-signin-heading")) }
            p { (ctx.t("desk-key-stays")) }
            div id="desk-stored" hidden {
                h3 { (ctx.t("desk-stored-heading")) }
                ul id="desk-stored-list" {}
            }
            form id="signin-form" {
                div class="field" {
                    label for="key-file" { (ctx.t("desk-key-file")) }
                    p class="hint" id="key-file-hint" { (crate::layout::prose(&ctx.t("desk-key-file-hint"))) }
                    input type="file" id="key-file" name="key-file" accept=".key,.pem,text/plain"
                        aria-describedby="key-file-hint" disabled;
                }
                button type="submit" id="sign-in" disabled { (ctx.t("desk-sign-in")) }
                div class="act-result" id="signin-result" role="status" aria-live="polite" {}
            }
        }
    }
}

/// Strings `desk.js` shows, by the name it uses. `{member}` and `{index}`
/// are filled in by the script.
const JS_STRINGS: &[(&str, &str)] = &[
    ("unsupported", "desk-js-unsupported"),
    ("insecure", "desk-js-insecure"),
    ("has-key", "desk-js-has-key"),
    ("no-key", "desk-js-no-key"),
    ("choose-file", "desk-js-choose-file"),
    ("bad-file", "desk-js-bad-file"),
    ("other-body", "desk-js-other-body"),
    ("key-mismatch", "desk-js-key-mismatch"),
    ("unknown-member", "desk-js-unknown-member"),
    ("signing", "desk-js-signing"),
    ("signed-in", "desk-js-signed-in"),
    ("signin-failed", "desk-js-signin-failed"),
    ("recorded", "desk-js-recorded"),
    ("refused", "desk-js-refused"),
    ("network", "desk-js-network"),
    ("detail", "desk-js-detail"),
    ("code", "desk-js-code"),
    ("bad-closes", "desk-js-bad-closes"),
    ("forgotten", "desk-js-forgotten"),
    ("code-replayed-seq", "desk-code-replayed-seq"),
    ("code-bad-signature", "desk-code-bad-signature"),
    ("code-unknown-member", "desk-code-unknown-member"),
    ("code-clock-skew", "desk-code-clock-skew"),
    ("code-refused-by-rules", "desk-code-refused-by-rules"),
    ("code-unknown-proposal", "desk-code-unknown-proposal"),
    ("code-ballot-closed", "desk-code-ballot-closed"),
    ("code-bad-body", "desk-code-bad-body"),
    ("code-unavailable", "desk-code-unavailable"),
    ("code-challenge-expired", "desk-code-challenge-expired"),
    ("code-challenge-used", "desk-code-challenge-used"),
    ("rotate-made", "desk-js-rotate-made"),
    ("rotate-save-first", "desk-js-rotate-save-first"),
    ("rotate-done", "desk-js-rotate-done"),
    ("bad-json", "desk-js-bad-json"),
];

/// The strings as a JSON data block (not a script: CSP allows none inline).
fn js_strings(ctx: &Ctx) -> Markup {
    let mut m = serde_json::Map::new();
    for (name, id) in JS_STRINGS {
        m.insert((*name).into(), ctx.t(id).into());
    }
    let member = [("member", "{member}".into())];
    m.insert("entry".into(), ctx.tr.ta("desk-js-entry", &[("index", "{index}".into())]).into());
    m.insert("stored-signin".into(), ctx.tr.ta("desk-js-stored-signin", &member).into());
    m.insert("forget".into(), ctx.tr.ta("desk-js-forget", &member).into());
    let json = serde_json::Value::Object(m).to_string();
    html! { script type="application/json" id="desk-i18n" { (PreEscaped(script_safe(&json))) } }
}

/// JSON that cannot end its `<script>` element early.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Tr, Ui};

    #[test]
    fn the_script_strings_are_json_that_stays_in_its_element() {
        assert_eq!(script_safe(r#"{"a":"</script><b>&"}"#), r#"{"a":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
        for ui in Ui::ALL {
            let ctx = Ctx { tr: Tr::new(ui), path: "/desk".into(), query_rest: String::new(), remember: false };
            let html = js_strings(&ctx).into_string();
            let inner = html
                .strip_prefix(r#"<script type="application/json" id="desk-i18n">"#)
                .and_then(|s| s.strip_suffix("</script>"))
                .unwrap();
            let v: serde_json::Value = serde_json::from_str(inner).unwrap();
            for (name, id) in JS_STRINGS {
                let s = v[*name].as_str().unwrap();
                assert!(!s.is_empty() && s != *id, "{}: {id} is not translated", ui.code());
            }
            assert!(v["entry"].as_str().unwrap().contains("{index}"), "{}", ui.code());
            assert!(v["stored-signin"].as_str().unwrap().contains("{member}"), "{}", ui.code());
            assert!(v["forget"].as_str().unwrap().contains("{member}"), "{}", ui.code());
        }
    }
}
