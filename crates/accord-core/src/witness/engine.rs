//! The rules of the witness acts, in the fold.

use super::WitnessRecord;
use crate::acts::WitnessAct;
use crate::ids::{LogIndex, MemberId};
use crate::refusal::Refusal;
use crate::state::{Effect, State};

fn rules(why: impl Into<String>) -> Refusal {
    Refusal::Rules(why.into())
}

impl State {
    /// Checks a witness statement by `member`.
    pub(crate) fn check_witness(&self, member: &MemberId, act: WitnessAct<'_>) -> Result<(), Refusal> {
        if member.is_secretariat() {
            return Err(rules("witnesses are run by member states; the secretariat runs the log"));
        }
        match act {
            WitnessAct::Register(r) => {
                let key = r.key().map_err(|why| Refusal::BadBody { kind: "witness.register".into(), why })?;
                if let Some(other) = self.witnesses.registered.values().find(|w| w.key.public() == key.public()) {
                    if &other.member != member {
                        return Err(rules(format!("this key is {}'s witness key: one key, one witness", other.member)));
                    }
                }
                if self.body.as_ref().is_some_and(|b| b.log_key.key().as_bytes() == key.public()) {
                    return Err(rules("a witness cannot cosign with the log's own key"));
                }
                // Lines are told apart by (name, key ID): one that another
                // key's lines would share makes verifiers refuse or miscount.
                let same_line = |name: &str, id: accord_log::KeyId| name == key.name() && id == key.id();
                if self.body.as_ref().is_some_and(|b| same_line(b.log_key.name(), b.log_key.id())) {
                    return Err(rules("a witness key must not have the log key's name and key ID"));
                }
                if let Some(other) = self
                    .witnesses
                    .registered
                    .values()
                    .find(|w| &w.member != member && same_line(w.key.name(), w.key.id()))
                {
                    return Err(rules(format!("this key's name and key ID are {}'s witness's", other.member)));
                }
                if self.actors.values().any(|a| a.key.key().as_bytes() == key.public()) {
                    return Err(rules("a witness key must not be a member's or the secretariat's statement key"));
                }
                if self.witnesses.registered.get(member).is_some_and(|w| w.key.to_vkey() == r.vkey && w.url == r.url) {
                    return Err(rules("this witness is registered already, with this URL and key"));
                }
                Ok(())
            }
            WitnessAct::Retire(_) => {
                if !self.witnesses.registered.contains_key(member) {
                    return Err(rules(format!("{member} has no registered witness")));
                }
                Ok(())
            }
        }
    }

    pub(crate) fn commit_witness(
        &mut self,
        index: LogIndex,
        member: &MemberId,
        act: WitnessAct<'_>,
        out: &mut Vec<Effect>,
    ) {
        match act {
            WitnessAct::Register(r) => {
                // Checked above: the key parses.
                let Ok(key) = r.key() else { return };
                let rec = WitnessRecord { member: member.clone(), url: r.url.clone(), key, since: index };
                self.witnesses.registered.insert(member.clone(), rec);
                if self.effects_on {
                    out.push(Effect::WitnessChanged {
                        member: member.clone(),
                        now: Some((r.url.clone(), r.vkey.clone())),
                        index,
                    });
                }
            }
            WitnessAct::Retire(_) => {
                self.witnesses.registered.remove(member);
                if self.effects_on {
                    out.push(Effect::WitnessChanged { member: member.clone(), now: None, index });
                }
            }
        }
    }
}
