//! Projection rows as read back from storage.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub vkey: String,
    pub last_seq: u64,
    /// Index of the entry that admitted the member.
    pub since: u64,
    /// Index of the entry that set the current key.
    pub key_since: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoteRow {
    pub index: u64,
    pub member: String,
    pub time: String,
    pub text: String,
}
