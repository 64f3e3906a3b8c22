//! Acts about the Code: subscriptions, and the secretariat's editorial
//! mapping of articles to related norms. (Changes to the text itself are
//! actions of adopted proposals: see `acts/decision.rs`, `Action::Code*`.)

use crate::code::{valid_article_id, valid_document_id, valid_norm_id};
use serde::{Deserialize, Serialize};

/// `code.subscribe`: the member subscribes to one version of a document
/// (replacing an earlier subscription to that document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSubscribe {
    pub document: String,
    pub version: u32,
}

/// `code.unsubscribe`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeUnsubscribe {
    pub document: String,
}

/// `code.norms`: an editorial statement of the secretariat that sets the
/// related norms of one article of the latest version. The text does not
/// change and no new version is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeNorms {
    pub document: String,
    pub article: String,
    pub norms: Vec<String>,
}

fn doc(id: &str) -> Result<(), String> {
    if valid_document_id(id) {
        Ok(())
    } else {
        Err(format!("document id {id:?} must be [A-Z][A-Z0-9-]{{1,31}}"))
    }
}

impl CodeSubscribe {
    pub(crate) fn validate(&self) -> Result<(), String> {
        doc(&self.document)?;
        if self.version == 0 {
            return Err("version numbers start at 1".into());
        }
        Ok(())
    }
}

impl CodeUnsubscribe {
    pub(crate) fn validate(&self) -> Result<(), String> {
        doc(&self.document)
    }
}

impl CodeNorms {
    pub(crate) fn validate(&self) -> Result<(), String> {
        doc(&self.document)?;
        if !valid_article_id(&self.article) {
            return Err(format!("article id {:?} is malformed", self.article));
        }
        if self.norms.len() > 50 {
            return Err("at most 50 norms per article".into());
        }
        if let Some(n) = self.norms.iter().find(|n| !valid_norm_id(n)) {
            return Err(format!("norm id {n:?} is malformed"));
        }
        Ok(())
    }
}
