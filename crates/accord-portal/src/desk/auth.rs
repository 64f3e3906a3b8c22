//! Sign-in by challenge: `POST /desk/challenge`, `POST /desk/session`,
//! `POST /desk/signout`, and the session cookie.
//!
//! The browser asks for a challenge, signs it with the member's key (which
//! never leaves the browser) and posts the signed note. The node checks
//! that the challenge is one it issued less than five minutes ago and not
//! answered before, and that the signature is by the member's **current**
//! key as the projections know it; then it opens a session (cookie
//! `accord_desk`, `HttpOnly; SameSite=Strict; Path=/`, 8 hours).
//!
//! Refusals are RFC 9457 `application/problem+json` with a stable `code`:
//!
//! | code | status |
//! |---|---|
//! | `malformed` (not a sign-in note of this body) | 400 |
//! | `unknown-challenge` (not issued here, or before a restart) | 400 |
//! | `challenge-expired` (older than five minutes) | 400 |
//! | `unknown-member`, `bad-signature` | 403 |
//! | `cross-site` (the request came from another site) | 403 |
//! | `challenge-used` (answered before) | 409 |
//! | `too-large` | 413 |
//! | `unsupported-media-type` (not `text/plain`) | 415 |
//! | `unavailable` (no randomness, storage failed, too many sign-ins) | 503 |
//!
//! What it is not: sessions authorise nothing in the log. Every act is a
//! statement signed in the browser and checked by `/api/v1/statements`;
//! the session only decides whose desk the portal shows.

use super::challenge::{challenge_text, parse_signin, ChallengeKey, SigninError, CHALLENGE_LIFETIME, MAX_SIGNIN_BYTES};
use super::session::{OpenError, Session, Sessions, SESSION_LIFETIME};
use crate::ctx::cookie;
use crate::AppState;
use accord_log::VerifierKey;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, HOST, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use rand_core::{OsRng, RngCore};
use serde_json::json;
use std::sync::OnceLock;
use std::time::Instant;

/// The session cookie.
pub const SESSION_COOKIE: &str = "accord_desk";

/// The desk's state: the challenge key of this process and the sessions.
struct DeskState {
    key: Option<ChallengeKey>,
    sessions: Sessions,
}

fn state() -> &'static DeskState {
    static S: OnceLock<DeskState> = OnceLock::new();
    S.get_or_init(|| {
        let mut secret = [0u8; 32];
        let key = match OsRng.try_fill_bytes(&mut secret) {
            Ok(()) => Some(ChallengeKey::new(secret, Instant::now())),
            Err(e) => {
                tracing::error!(error = %e, "desk: no randomness for sign-in challenges; sign-in is off");
                None
            }
        };
        DeskState { key, sessions: Sessions::new() }
    })
}

/// The session the request's cookie names, if it is open.
pub fn current(headers: &HeaderMap) -> Option<(String, Session)> {
    let token = session_token(headers)?;
    let s = state().sessions.get(&token, Instant::now())?;
    Some((token, s))
}

/// Ends a session (for example when the member's key changed).
pub fn end(token: &str) {
    state().sessions.end(token);
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    let h = headers.get(COOKIE)?.to_str().ok()?;
    cookie(h, SESSION_COOKIE).filter(|t| !t.is_empty()).map(str::to_string)
}

/// `POST /desk/challenge`: `{"text": <the note text to sign>, "expires_in": 300}`.
pub(crate) async fn challenge(State(node): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    let Some(key) = state().key.as_ref() else {
        return unavailable("the node has no randomness for sign-in challenges");
    };
    let mut nonce = [0u8; 16];
    if OsRng.try_fill_bytes(&mut nonce).is_err() {
        return unavailable("the node has no randomness for sign-in challenges");
    }
    let token = key.issue(nonce, Instant::now());
    let body = json!({
        "text": challenge_text(node.origin(), &token),
        "expires_in": CHALLENGE_LIFETIME.as_secs(),
    });
    no_store((StatusCode::OK, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response())
}

/// `POST /desk/session` (`text/plain`, the signed challenge): opens a
/// session and answers `{"member", "key_id"}`.
pub(crate) async fn session(
    State(node): State<AppState>,
    tls: Option<axum::Extension<crate::ctx::ServedOverTls>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let https = tls.is_some() || served_over_https(&headers);
    match open_session(&node, &headers, https, body).await {
        Ok(r) | Err(r) => r,
    }
}

/// `https`: the request came over TLS (the node's own, or a proxy's that
/// says so): the cookie is then `Secure`.
async fn open_session(node: &AppState, headers: &HeaderMap, https: bool, body: Body) -> Result<Response, Response> {
    if let Some(r) = refuse_cross_site(headers) {
        return Err(r);
    }
    let ctype = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ctype.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/plain") {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("send the signed challenge as Content-Type: text/plain (got {ctype:?})"),
        ));
    }
    let bytes = axum::body::to_bytes(body, MAX_SIGNIN_BYTES).await.map_err(|_| {
        problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("a signed challenge is at most {MAX_SIGNIN_BYTES} bytes"),
        )
    })?;
    let signin = parse_signin(&bytes, node.origin()).map_err(|e| signin_problem(&e))?;
    let key = state().key.as_ref().ok_or_else(|| unavailable("sign-in is off: the node has no randomness"))?;
    let nonce = key.check(&signin.token, Instant::now()).map_err(|e| signin_problem(&e))?;
    let member = signin.member.as_str().to_string();
    let verifier = current_key(node, &member).await?;
    signin.note.verify(&verifier).map_err(|e| {
        problem(
            StatusCode::FORBIDDEN,
            "bad-signature",
            "Bad signature",
            format!("the challenge is not signed by {member}'s current key: {e}"),
        )
    })?;
    let mut raw = [0u8; 32];
    OsRng.try_fill_bytes(&mut raw).map_err(|_| unavailable("the node has no randomness for sessions"))?;
    let token = B64URL.encode(raw);
    let vkey = verifier.to_vkey();
    state().sessions.open(nonce, &token, &member, &vkey, Instant::now()).map_err(|e| match e {
        OpenError::Used => problem(
            StatusCode::CONFLICT,
            "challenge-used",
            "Challenge already used",
            "this challenge was answered before; ask for a new one",
        ),
        OpenError::Busy => unavailable("too many sign-ins just now; try again in a few minutes"),
    })?;
    let body = json!({ "member": member, "key_id": verifier.id().to_string() });
    let mut res = no_store((StatusCode::OK, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response());
    let secure = if https { "; Secure" } else { "" };
    let c = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_LIFETIME.as_secs()
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}

/// The member's current key, from the projections.
async fn current_key(node: &AppState, member: &str) -> Result<VerifierKey, Response> {
    let n = node.clone();
    let id = member.to_string();
    let row = tokio::task::spawn_blocking(move || n.reads().member(&id))
        .await
        .map_err(|e| unavailable_logged(&format!("worker failed: {e}")))?
        .map_err(|e| unavailable_logged(&e.to_string()))?;
    let row = row.ok_or_else(|| {
        problem(StatusCode::FORBIDDEN, "unknown-member", "Unknown member", format!("this body has no member {member}"))
    })?;
    VerifierKey::parse(&row.vkey).map_err(|e| unavailable_logged(&format!("member {member}'s vkey: {e}")))
}

/// `POST /desk/signout`: ends the session and goes back to `/desk`.
pub(crate) async fn signout(headers: HeaderMap) -> Response {
    if let Some(r) = refuse_cross_site(&headers) {
        return r;
    }
    if let Some(token) = session_token(&headers) {
        end(&token);
    }
    let mut res = (StatusCode::SEE_OTHER, [(LOCATION, "/desk")]).into_response();
    res.headers_mut()
        .insert(SET_COOKIE, HeaderValue::from_static("accord_desk=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    no_store(res)
}

/// Requests from another site are refused: a page elsewhere must not be
/// able to sign a delegate in or out. Browsers say where a request comes
/// from in `Sec-Fetch-Site` (trusted alone when present: a proxy may
/// rewrite `Host`), else in `Origin`, compared with the host asked for;
/// clients that send neither (the command line, tests) are not browsers
/// acting for another site.
fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    let header = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let foreign = match (header("sec-fetch-site"), header(ORIGIN.as_str())) {
        (Some(site), _) => site != "same-origin" && site != "none",
        (None, Some(origin)) => {
            let host = header("x-forwarded-host").or_else(|| header(HOST.as_str()));
            let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            origin_host.is_none() || origin_host != host
        }
        (None, None) => false,
    };
    foreign.then(|| {
        problem(
            StatusCode::FORBIDDEN,
            "cross-site",
            "Cross-site request",
            "the desk accepts sign-in and sign-out only from its own pages",
        )
    })
}

fn served_over_https(headers: &HeaderMap) -> bool {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    let proto = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("");
    origin.starts_with("https://") || proto.eq_ignore_ascii_case("https")
}

fn signin_problem(e: &SigninError) -> Response {
    match e {
        SigninError::Malformed(why) => problem(StatusCode::BAD_REQUEST, "malformed", "Malformed sign-in", why.clone()),
        SigninError::UnknownChallenge => problem(
            StatusCode::BAD_REQUEST,
            "unknown-challenge",
            "Unknown challenge",
            "this node did not issue that challenge (or has restarted since); ask for a new one",
        ),
        SigninError::Expired => problem(
            StatusCode::BAD_REQUEST,
            "challenge-expired",
            "Challenge expired",
            format!("a challenge must be answered within {} seconds; ask for a new one", CHALLENGE_LIFETIME.as_secs()),
        ),
    }
}

fn unavailable(detail: &str) -> Response {
    let a = accord_node::Answer::UNAVAILABLE;
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut r = problem(status, a.code, a.title, detail);
    r.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
    r
}

fn unavailable_logged(why: &str) -> Response {
    tracing::error!(error = %why, "desk: sign-in failed");
    unavailable("the node cannot read its data just now")
}

/// An RFC 9457 problem, in the shape `/api/v1` uses.
fn problem(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Response {
    let body = json!({
        "type": format!("https://accord.example/problems/{code}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail.into(),
        "code": code,
    });
    no_store((status, [(CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response())
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(refuse_cross_site(&headers(&[])).is_none());
        assert!(refuse_cross_site(&headers(&[("host", "a.example"), ("origin", "https://a.example")])).is_none());
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "same-origin")])).is_none());
        assert!(refuse_cross_site(&headers(&[("host", "a.example"), ("origin", "https://b.example")])).is_some());
        assert!(refuse_cross_site(&headers(&[("host", "a.example"), ("origin", "null")])).is_some());
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "cross-site")])).is_some());
        assert!(refuse_cross_site(&headers(&[("sec-fetch-site", "same-site")])).is_some());
        // Behind a proxy that rewrites Host, the browser's word decides.
        let proxied = [("host", "127.0.0.1:8080"), ("origin", "https://a.example")];
        assert!(refuse_cross_site(&headers(&proxied)).is_some());
        assert!(refuse_cross_site(&headers(&[proxied[0], proxied[1], ("sec-fetch-site", "same-origin")])).is_none());
        assert!(refuse_cross_site(&headers(&[proxied[0], proxied[1], ("x-forwarded-host", "a.example")])).is_none());
    }

    #[test]
    fn the_session_token_is_read_from_its_cookie() {
        assert_eq!(session_token(&headers(&[("cookie", "accord_lang=fr; accord_desk=abc")])).as_deref(), Some("abc"));
        assert_eq!(session_token(&headers(&[("cookie", "accord_desk=")])), None);
        assert_eq!(session_token(&headers(&[])), None);
    }
}
