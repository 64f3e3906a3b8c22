//! The rules of the Code's acts and actions, in the fold.

use super::{apply_changes, Addendum, AddendumKind, Change, Document, Subscription, Version};
use crate::acts::decision::{Action, CodeAction, Procedure};
use crate::acts::CodeAct;
use crate::decisions::{Adoption, Outcome};
use crate::ids::{LogIndex, MemberId};
use crate::refusal::Refusal;
use crate::state::{Effect, State};
use crate::time::Timestamp;
use std::collections::BTreeSet;

fn rules(why: impl Into<String>) -> Refusal {
    Refusal::Rules(why.into())
}

/// The articles a `code.amend` touches (an insert's anchor included), if
/// `action` is one: the footprint by which the decisions domain tells
/// competing amendments apart, without reading the Code's state.
pub(crate) fn footprint(action: Option<&Action>) -> Option<(&str, BTreeSet<&str>)> {
    match action {
        Some(Action::CodeAmend { document, changes, .. }) => {
            Some((document.as_str(), changes.iter().flat_map(Change::articles_touched).collect()))
        }
        _ => None,
    }
}

impl State {
    fn document(&self, id: &str) -> Result<&Document, Refusal> {
        self.code.documents.get(id).ok_or_else(|| rules(format!("no document {id:?}")))
    }

    /// Checks a code statement (not an action) by `member`.
    pub(crate) fn check_code(&self, member: &MemberId, act: CodeAct<'_>) -> Result<(), Refusal> {
        match act {
            CodeAct::Subscribe(s) => {
                if member.is_secretariat() {
                    return Err(rules("only member states subscribe"));
                }
                let d = self.document(&s.document)?;
                if d.version(s.version).is_none() {
                    return Err(rules(format!("{} has no version {}", s.document, s.version)));
                }
                let key = (s.document.clone(), member.clone());
                if self.code.subscriptions.get(&key).is_some_and(|x| x.version == s.version) {
                    return Err(rules(format!("{member} already subscribes to version {}", s.version)));
                }
                Ok(())
            }
            CodeAct::Unsubscribe(s) => {
                self.document(&s.document)?;
                if !self.code.subscriptions.contains_key(&(s.document.clone(), member.clone())) {
                    return Err(rules(format!("{member} does not subscribe to {}", s.document)));
                }
                Ok(())
            }
            CodeAct::Norms(n) => {
                if !member.is_secretariat() {
                    return Err(rules("the mapping to related norms is an editorial act of the secretariat"));
                }
                let d = self.document(&n.document)?;
                if d.latest().and_then(|v| v.article(&n.article)).is_none() {
                    return Err(rules(format!("the latest version of {} has no article {}", n.document, n.article)));
                }
                Ok(())
            }
        }
    }

    pub(crate) fn commit_code(
        &mut self,
        index: LogIndex,
        member: &MemberId,
        act: CodeAct<'_>,
        time: Timestamp,
        out: &mut Vec<Effect>,
    ) {
        match act {
            CodeAct::Subscribe(s) => {
                let sub = Subscription { member: member.clone(), version: s.version, index, time };
                self.code.subscriptions.insert((s.document.clone(), member.clone()), sub.clone());
                if self.effects_on {
                    out.push(Effect::SubscriptionChanged {
                        document: s.document.clone(),
                        member: member.clone(),
                        subscription: Some(sub),
                    });
                }
            }
            CodeAct::Unsubscribe(s) => {
                self.code.subscriptions.remove(&(s.document.clone(), member.clone()));
                if self.effects_on {
                    out.push(Effect::SubscriptionChanged {
                        document: s.document.clone(),
                        member: member.clone(),
                        subscription: None,
                    });
                }
            }
            CodeAct::Norms(n) => {
                if let Some(d) = self.code.documents.get_mut(&n.document) {
                    // An addendum of the latest version: the version as
                    // adopted, and its hash, do not change.
                    if let Some(v) = d.versions.last_mut() {
                        let number = v.addenda.len() as u32 + 1;
                        let addendum = Addendum {
                            number,
                            what: AddendumKind::Norms { article: n.article.clone(), norms: n.norms.clone() },
                            adopted_at: index,
                            adopted_time: time,
                            proposal: None,
                        };
                        if self.effects_on {
                            out.push(Effect::AddendumAdded {
                                document: d.id.clone(),
                                version: v.number,
                                addendum: Box::new(addendum.clone()),
                            });
                        }
                        v.addenda.push(addendum);
                    }
                }
            }
        }
    }

    /// Checks a code action when its proposal is tabled.
    pub(crate) fn check_code_action(&self, action: CodeAction<'_>, procedure: Procedure) -> Result<(), Refusal> {
        match action {
            CodeAction::Establish(document) => {
                if self.code.documents.contains_key(&document.id) {
                    return Err(rules(format!("document {} exists", document.id)));
                }
                Ok(())
            }
            CodeAction::Amend { document, base, changes } => {
                let d = self.document(document)?;
                let latest = d.latest().ok_or_else(|| rules("the document has no version"))?;
                if base != latest.number {
                    return Err(rules(format!("amend the latest version, {} (base {base})", latest.number)));
                }
                apply_changes(&latest.current_articles(), changes).map(|_| ()).map_err(rules)
            }
            CodeAction::Translate { document, version, article, lang, .. } => {
                if procedure != Procedure::Silence {
                    return Err(rules("translations are adopted by the silence procedure"));
                }
                let d = self.document(document)?;
                let v = d.version(version).ok_or_else(|| rules(format!("{document} has no version {version}")))?;
                let current = v.current_articles();
                let a = current
                    .iter()
                    .find(|a| a.id == article)
                    .ok_or_else(|| rules(format!("version {version} has no article {article}")))?;
                if a.texts.contains_key(lang) {
                    return Err(rules(format!(
                        "article {article} already has a {} text; amend it with code.amend (reword)",
                        lang.as_str()
                    )));
                }
                Ok(())
            }
        }
    }

    /// Carries out a code action adopted by `by` (a proposal closed at
    /// its deadline, at `index`): what happened, and whether the Code changed.
    pub(crate) fn take_code_action(&mut self, action: CodeAction<'_>, index: LogIndex, by: Adoption<'_>) -> Outcome {
        let when = by.time;
        let proposal = Some(by.proposal.to_string());
        let not = |said: String| Outcome { applied: false, said };
        let result = match action {
            CodeAction::Establish(document) => {
                if self.code.documents.contains_key(&document.id) {
                    return not(format!("not applied: document {} exists", document.id));
                }
                let version = Version {
                    document: document.id.clone(),
                    number: 1,
                    label: document.label.clone(),
                    articles: document.articles.clone(),
                    adopted_at: index,
                    adopted_time: when,
                    proposal,
                    addenda: Vec::new(),
                };
                if self.effects_on {
                    self.pending
                        .push(Effect::DocumentFounded { id: document.id.clone(), title: document.title.clone() });
                    self.pending.push(Effect::VersionAdopted(Box::new(version.clone())));
                }
                let d = Document { id: document.id.clone(), title: document.title.clone(), versions: vec![version] };
                self.code.documents.insert(d.id.clone(), d);
                format!("applied: {} version 1", document.id)
            }
            CodeAction::Amend { document, changes, .. } => {
                let Some(d) = self.code.documents.get_mut(document) else {
                    return not(format!("not applied: no document {document}"));
                };
                let Some(latest) = d.latest() else { return not("not applied: no version".into()) };
                // Competing amendments to the same articles were made moot
                // when an earlier one was adopted; others apply to the
                // latest version.
                // Built on the latest version as it reads now: its
                // translations and norm links are carried into the next.
                match apply_changes(&latest.current_articles(), changes) {
                    Err(e) => return not(format!("not applied: {e}")),
                    Ok(articles) => {
                        let number = latest.number + 1;
                        let version = Version {
                            document: document.to_string(),
                            number,
                            label: format!("Rev.{}", number - 1),
                            articles,
                            adopted_at: index,
                            adopted_time: when,
                            proposal,
                            addenda: Vec::new(),
                        };
                        if self.effects_on {
                            self.pending.push(Effect::VersionAdopted(Box::new(version.clone())));
                        }
                        d.versions.push(version);
                        format!("applied: {document} version {number}")
                    }
                }
            }
            CodeAction::Translate { document, version, article, lang, text } => {
                let target = self
                    .code
                    .documents
                    .get_mut(document)
                    .and_then(|d| d.versions.get_mut((version as usize).saturating_sub(1)));
                let Some(v) = target else {
                    return not(format!("not applied: {document} has no version {version}"));
                };
                let current = v.current_articles();
                match current.iter().find(|a| a.id == article) {
                    None => return not(format!("not applied: {document} version {version} has no article {article}")),
                    Some(a) if a.texts.contains_key(lang) => {
                        return not(format!("not applied: article {article} already has a {} text", lang.as_str()))
                    }
                    Some(_) => {
                        // An addendum: the version as adopted, and its
                        // hash, do not change.
                        let number = v.addenda.len() as u32 + 1;
                        let addendum = Addendum {
                            number,
                            what: AddendumKind::Translation {
                                article: article.to_string(),
                                lang: lang.clone(),
                                text: text.to_string(),
                            },
                            adopted_at: index,
                            adopted_time: when,
                            proposal: proposal.clone(),
                        };
                        if self.effects_on {
                            self.pending.push(Effect::AddendumAdded {
                                document: document.to_string(),
                                version,
                                addendum: Box::new(addendum.clone()),
                            });
                        }
                        v.addenda.push(addendum);
                        format!("applied: {article} in {}", lang.as_str())
                    }
                }
            }
        };
        Outcome { applied: true, said: result }
    }

    /// Documents the body is founded on (genesis), each as version 1.
    pub(crate) fn found_documents(
        &mut self,
        drafts: &[super::DocumentDraft],
        index: LogIndex,
        time: Timestamp,
        out: &mut Vec<Effect>,
    ) {
        for d in drafts {
            let version = Version {
                document: d.id.clone(),
                number: 1,
                label: d.label.clone(),
                articles: d.articles.clone(),
                adopted_at: index,
                adopted_time: time,
                proposal: None,
                addenda: Vec::new(),
            };
            if self.effects_on {
                out.push(Effect::DocumentFounded { id: d.id.clone(), title: d.title.clone() });
                out.push(Effect::VersionAdopted(Box::new(version.clone())));
            }
            let doc = Document { id: d.id.clone(), title: d.title.clone(), versions: vec![version] };
            self.code.documents.insert(d.id.clone(), doc);
        }
    }
}
